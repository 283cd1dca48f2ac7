package io.tidepool.auth.hba;

import java.util.List;
import java.util.Set;

/**
 * The database or user field of a pool_hba.conf line after {@code @file} lists were read: the
 * keywords it used and the literal names. A quoted {@code "all"} is the name {@code all}, not
 * the keyword.
 *
 * @param all      the unquoted keyword {@code all} appeared
 * @param sameUser the unquoted keyword {@code sameuser} appeared (database field only)
 * @param names    the literal names, compared exactly (case-sensitive, as PostgreSQL does)
 */
public record HbaNames(boolean all, boolean sameUser, Set<String> names) {

    public HbaNames {
        names = Set.copyOf(names);
    }

    static HbaNames of(List<HbaToken> tokens) {
        boolean all = false;
        boolean sameUser = false;
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (HbaToken token : tokens) {
            if (token.isKeyword("all")) {
                all = true;
            } else if (token.isKeyword("sameuser")) {
                sameUser = true;
            } else {
                names.add(token.text());
            }
        }
        return new HbaNames(all, sameUser, names);
    }

    boolean matchesDatabase(String database, String user) {
        return all || (sameUser && database.equals(user)) || names.contains(database);
    }

    boolean matchesUser(String user) {
        return all || names.contains(user);
    }
}
