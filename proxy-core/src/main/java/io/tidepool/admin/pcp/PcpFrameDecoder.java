package io.tidepool.admin.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a byte stream into {@link PcpPacket}s (spec 1.2): tag, int32 length, payload.
 *
 * <p>A state machine with a hard limit: the length is checked against the limit as soon as
 * its four bytes are there, before anything is allocated for the payload. A bad length puts
 * the decoder into a terminal state that discards all further input, and raises a
 * {@link PcpFrameException}; the handler answers with FATAL and closes.
 */
public final class PcpFrameDecoder extends ByteToMessageDecoder {

    /**
     * pgpool-II's bound on packets a client sends: the length field must be below 260
     * ({@code MAX_PCP_PACKET_LENGTH}).
     */
    public static final int CLIENT_PACKET_LIMIT = 260;
    /**
     * Our bound on packets a server sends. pgpool-II has none; the largest real response (a
     * watchdog JSON document or a long statement in process info) is a few kilobytes.
     */
    public static final int SERVER_PACKET_LIMIT = 1 << 20;

    private enum State { TAG, LENGTH, PAYLOAD, FAILED }

    private final int lengthLimit;
    private State state = State.TAG;
    private char tag;
    private int payloadLength;

    /**
     * @param lengthLimit exclusive upper bound of the length field
     */
    public PcpFrameDecoder(int lengthLimit) {
        if (lengthLimit <= PcpPacket.LENGTH_FIELD) {
            throw new IllegalArgumentException("length limit " + lengthLimit + " leaves no room for a packet");
        }
        this.lengthLimit = lengthLimit;
    }

    /** A decoder for what clients send, with pgpool-II's limit. */
    public static PcpFrameDecoder forServer() {
        return new PcpFrameDecoder(CLIENT_PACKET_LIMIT);
    }

    /** A decoder for what servers send. */
    public static PcpFrameDecoder forClient() {
        return new PcpFrameDecoder(SERVER_PACKET_LIMIT);
    }

    /** {@code in} stays owned by the base class; packets carry copies. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case TAG -> {
                    if (!in.isReadable()) {
                        return;
                    }
                    tag = (char) in.readUnsignedByte();
                    state = State.LENGTH;
                }
                case LENGTH -> {
                    if (in.readableBytes() < PcpPacket.LENGTH_FIELD) {
                        return;
                    }
                    int length = in.readInt();
                    // The length counts itself: below 4 nothing can be framed.
                    if (length < PcpPacket.LENGTH_FIELD || length >= lengthLimit) {
                        state = State.FAILED;
                        in.skipBytes(in.readableBytes());
                        throw new PcpFrameException(length, lengthLimit);
                    }
                    payloadLength = length - PcpPacket.LENGTH_FIELD;
                    state = State.PAYLOAD;
                }
                case PAYLOAD -> {
                    if (in.readableBytes() < payloadLength) {
                        return;
                    }
                    byte[] payload = new byte[payloadLength];
                    in.readBytes(payload);
                    out.add(PcpPacket.wrap(tag, payload));
                    state = State.TAG;
                }
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** True while part of a packet has been read but not all of it. */
    public boolean inMiddleOfPacket() {
        return state == State.LENGTH || state == State.PAYLOAD || actualReadableBytes() > 0;
    }
}
