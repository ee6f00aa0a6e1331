package io.sadump.device.ckd;

import java.util.Arrays;

/**
 * One count-key-data record. {@code key} may be empty (KL = 0).
 */
public record CkdRecord(Cchhr id, byte[] key, byte[] data) {
    public CkdRecord {
        if (key.length > 0xFF) {
            throw new IllegalArgumentException("a key has at most 255 bytes, got " + key.length);
        }
        if (data.length > 0xFFFF) {
            throw new IllegalArgumentException("a data field has at most 65535 bytes, got " + data.length);
        }
        key = key.clone();
        data = data.clone();
    }

    public CkdRecord(Cchhr id, byte[] data) {
        this(id, new byte[0], data);
    }

    public CkdCount count() {
        return new CkdCount(id.cyl(), id.head(), id.record(), key.length, data.length);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    int keyLength() {
        return key.length;
    }

    int dataLength() {
        return data.length;
    }

    byte[] keyNoCopy() {
        return key;
    }

    byte[] dataNoCopy() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CkdRecord r && id.equals(r.id) && Arrays.equals(key, r.key) && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CkdRecord[" + id + ", KL " + key.length + ", DL " + data.length + "]";
    }
}
