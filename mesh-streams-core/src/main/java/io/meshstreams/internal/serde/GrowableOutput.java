package io.meshstreams.internal.serde;

import java.io.OutputStream;
import java.util.Arrays;

/** An unsynchronized, reusable byte buffer: one per thread, reset per record. */
public final class GrowableOutput extends OutputStream {
    private byte[] buf = new byte[256];
    private int count;

    public void reset() {
        count = 0;
    }

    public void writeHeader(int schemaId) {
        ensure(WireFormat.HEADER_SIZE);
        buf[count] = WireFormat.MAGIC_BYTE;
        buf[count + 1] = (byte) (schemaId >>> 24);
        buf[count + 2] = (byte) (schemaId >>> 16);
        buf[count + 3] = (byte) (schemaId >>> 8);
        buf[count + 4] = (byte) schemaId;
        count += WireFormat.HEADER_SIZE;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    /** Drops a buffer that one huge record grew, so that a thread does not keep it forever. */
    public void shrinkIfHuge() {
        if (buf.length > 1 << 20) {
            buf = new byte[256];
        }
    }

    private void ensure(int extra) {
        int needed = count + extra;
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }
}
