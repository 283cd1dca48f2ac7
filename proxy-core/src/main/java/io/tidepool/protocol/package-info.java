/**
 * The PostgreSQL v3 wire protocol (PostgreSQL documentation, chapter "Frontend/Backend
 * Protocol"), kept apart from what the proxy does with it.
 *
 * <ul>
 *   <li>{@link io.tidepool.protocol.FrameDecoder}: cuts a byte stream into frames, an explicit
 *       state machine whose length limits ({@link io.tidepool.protocol.ProtocolLimits}) are
 *       checked on the header, before a body byte is waited for.</li>
 *   <li>{@link io.tidepool.protocol.FrameInboundHandler} and
 *       {@link io.tidepool.protocol.FrameForwarder}: the Netty side of it; frames are handed
 *       out in place and forwarded as one retained slice per read, never copied.</li>
 *   <li>{@code protocol.frontend} / {@code protocol.backend}: one small immutable value per
 *       message the proxy must understand, each with its {@code decode}/{@code encode};
 *       everything else crosses the proxy as raw frames.</li>
 *   <li>{@link io.tidepool.protocol.PgException}, {@link io.tidepool.protocol.SqlState} and
 *       {@link io.tidepool.protocol.backend.ErrorResponse#of(PgException)}: the one path from a
 *       failure to an {@code ErrorResponse} with a SQLSTATE.</li>
 * </ul>
 *
 * <p>Buffer ownership is written on every method that takes or returns a {@code ByteBuf}:
 * decoders borrow, encoders write into the caller's buffer, handlers own their cumulation.
 */
package io.tidepool.protocol;
