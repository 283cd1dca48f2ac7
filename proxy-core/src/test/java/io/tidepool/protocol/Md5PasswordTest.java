package io.tidepool.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Md5PasswordTest {

    @Test
    void storedFormIsMd5OfPasswordThenUser() {
        // Same value as PostgreSQL's pg_authid for password 'secret', role 'postgres' (and pg_md5).
        assertThat(Md5Password.stored("postgres", "secret")).isEqualTo("md553f48b7c4b76a86ce72276c5755f217d");
    }

    @Test
    void responseHashesTheStoredFormWithTheSalt() {
        byte[] salt = {1, 2, 3, 4};
        assertThat(Md5Password.response("postgres", "secret", salt)).isEqualTo("md5bb41a296aab6baccb36ff243a562abff");
        assertThat(Md5Password.response("md553f48b7c4b76a86ce72276c5755f217d", salt))
                .isEqualTo("md5bb41a296aab6baccb36ff243a562abff");
    }

    @Test
    void rejectsAStoredFormThatIsNotMd5() {
        assertThatThrownBy(() -> Md5Password.response("SCRAM-SHA-256$4096:abc", new byte[4]))
                .hasMessageContaining("not an md5 password hash");
    }
}
