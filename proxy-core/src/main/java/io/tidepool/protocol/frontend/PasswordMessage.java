package io.tidepool.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.protocol.CStrings;
import io.tidepool.protocol.Frames;
import io.tidepool.protocol.MessageType;

/**
 * PasswordMessage ('p') answering AuthenticationCleartextPassword or AuthenticationMD5Password:
 * the password, or {@code "md5" + hex digest}. The same type byte carries SASL messages:
 * which one a 'p' frame is depends on the request it answers ({@link SaslInitialResponse},
 * {@link SaslResponse}).
 */
public record PasswordMessage(String password) {

    /** Decodes a body (the bytes after the length field). Ownership: {@code body} stays the caller's. */
    public static PasswordMessage decode(ByteBuf body) {
        PasswordMessage message = new PasswordMessage(CStrings.read(body));
        Frames.expectEnd(body, "PasswordMessage");
        return message;
    }

    /** Writes the whole frame. Ownership: {@code out} stays the caller's. */
    public void encode(ByteBuf out) {
        int length = Frames.begin(out, MessageType.PASSWORD);
        CStrings.write(out, password);
        Frames.end(out, length);
    }

    @Override
    public String toString() {
        return "PasswordMessage[***]";
    }
}
