package io.tidepool.routing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@link CatalogQuery} over pgJDBC: one short-lived connection per query (look-ups are rare and
 * cached; a pool here would hold backend slots for nothing). {@code urlForDatabase} maps a
 * database name to a JDBC URL, typically the primary's.
 */
public final class JdbcCatalogQuery implements CatalogQuery {

    private static final Pattern POSITIONAL = Pattern.compile("\\$\\d+");

    private final Function<String, String> urlForDatabase;
    private final Properties properties;

    /**
     * @param urlForDatabase JDBC URL for a database name
     * @param properties     connection properties (user, password, connectTimeout, socketTimeout, ...)
     */
    public JdbcCatalogQuery(Function<String, String> urlForDatabase, Properties properties) {
        this.urlForDatabase = urlForDatabase;
        this.properties = (Properties) properties.clone();
    }

    @Override
    public String queryForString(String database, String sql, List<String> parameters) throws Exception {
        // Parameters are bound in order, so $n placeholders become JDBC's '?'.
        String jdbcSql = POSITIONAL.matcher(sql).replaceAll("?");
        try (Connection connection = DriverManager.getConnection(urlForDatabase.apply(database), properties);
             PreparedStatement statement = connection.prepareStatement(jdbcSql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
