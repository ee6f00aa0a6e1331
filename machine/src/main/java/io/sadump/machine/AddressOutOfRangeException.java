package io.sadump.machine;

/** An access that reaches beyond the end of absolute storage; names the address and the size. */
public final class AddressOutOfRangeException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final long address;
    private final long length;
    private final long storageSize;

    public AddressOutOfRangeException(long address, long length, long storageSize) {
        super(String.format(
                "address 0x%X (+%d bytes) is outside storage of %s (0x0..0x%X)",
                address, length, Sizes.format(storageSize), storageSize - 1));
        this.address = address;
        this.length = length;
        this.storageSize = storageSize;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }

    public long storageSize() {
        return storageSize;
    }
}
