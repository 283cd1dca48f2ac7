package io.tidepool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandTemplateTest {

    private static final CommandTemplate.Node FAILED = new CommandTemplate.Node(0, "db0", 5432, "/data/0");
    private static final CommandTemplate.Node NEW_MAIN = new CommandTemplate.Node(1, "db1", 5433, "/data/1");

    @Test
    void everyPlaceholderExpandsAsPgpoolDoes() {
        String out = CommandTemplate.expand("x %d %h %p %D %m %H %M %P %r %R %N %S %%",
                new CommandTemplate.Arguments(FAILED, NEW_MAIN, 0, FAILED));
        // %d %p %m carry a leading space (spec 3.1), so single spaces in the template become double.
        assertThat(out).isEqualTo("x  0 db0  5432 /data/0  1 db1 0 0 5433 /data/1 db0 5432 %");
    }

    @Test
    void missingNewMainAndOldPrimaryBecomeEmptyQuotes() {
        String out = CommandTemplate.expand("%m|%H|%r|%R|%P|%N|%S",
                new CommandTemplate.Arguments(FAILED, null, 0, null));
        assertThat(out).isEqualTo(" -1|\"\"|\"\"|\"\"|-1|\"\"|\"\"");
    }

    @Test
    void unknownPlaceholdersAndATrailingPercentVanish() {
        String out = CommandTemplate.expand("a%qb%", new CommandTemplate.Arguments(FAILED, NEW_MAIN, 0, FAILED));
        assertThat(out).isEqualTo("ab");
    }

    @Test
    void nothingIsShellQuoted() {
        CommandTemplate.Node odd = new CommandTemplate.Node(2, "h'; rm", 1, "/a b");
        assertThat(CommandTemplate.expand("%h %D", new CommandTemplate.Arguments(odd, null, 0, null)))
                .isEqualTo("h'; rm /a b");
    }
}
