package io.tidepool.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesPasswordCipherTest {

    @Test
    void derivesTheSpecKeyAndIv() {
        byte[] material = AesPasswordCipher.deriveKeyAndIv("secretkey".getBytes(StandardCharsets.UTF_8));
        HexFormat hex = HexFormat.of().withUpperCase();
        assertThat(hex.formatHex(Arrays.copyOfRange(material, 0, 32)))
                .isEqualTo("9885F8AF04289135DF259E34BD22D17FE45EA81E583EE942A47F29465CC2D830");
        assertThat(hex.formatHex(Arrays.copyOfRange(material, 32, 48))).isEqualTo("BB9ADF977936DFCF58D9383D866EEBBF");
    }

    @Test
    void encryptsTheSpecTestVector() {
        AesPasswordCipher cipher = new AesPasswordCipher(PoolKey.of("secretkey"));
        assertThat(cipher.encrypt("postgres")).isEqualTo("AESqpD6IHPHb/3tSiKk3Nek7g==");
        assertThat(cipher.encryptToBase64("postgres")).isEqualTo("qpD6IHPHb/3tSiKk3Nek7g==");
    }

    @Test
    void decryptsWithOrWithoutPrefix() {
        AesPasswordCipher cipher = new AesPasswordCipher(PoolKey.of("secretkey"));
        assertThat(cipher.decrypt("AESqpD6IHPHb/3tSiKk3Nek7g==")).isEqualTo("postgres");
        assertThat(cipher.decrypt("qpD6IHPHb/3tSiKk3Nek7g==")).isEqualTo("postgres");
    }

    @Test
    void aWrongKeyDoesNotDecrypt() {
        AesPasswordCipher cipher = new AesPasswordCipher(PoolKey.of("otherkey"));
        assertThatThrownBy(() -> cipher.decrypt("AESqpD6IHPHb/3tSiKk3Nek7g=="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> cipher.decrypt("AES!!!")).hasMessageContaining("not valid base64");
    }

    @Test
    void keyFileFirstLineIsThePassphrase(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".pgpoolkey");
        Files.writeString(file, "secretkey\nsecond line\n");
        PoolKey key = PoolKey.readFile(file);
        assertThat(key.passphrase()).isEqualTo("secretkey");
        assertThat(key.source()).contains(file);
        Files.writeString(file, " spaced \n");
        assertThat(PoolKey.readFile(file).passphrase()).isEqualTo(" spaced ");
    }

    @Test
    void keyFileComesFromEnvironmentElseHome() {
        assertThat(PoolKey.defaultFile(Map.of("PGPOOLKEYFILE", "/k", "HOME", "/h"))).isEqualTo(Path.of("/k"));
        assertThat(PoolKey.defaultFile(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.pgpoolkey"));
    }
}
