package io.sadump.hmc;

/** Bytes of absolute storage from {@code address}, for the storage display. */
public record StorageBytes(long address, byte[] bytes) {
    public StorageBytes {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
