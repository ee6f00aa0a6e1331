package io.sadump.machine;

import java.io.IOException;

/**
 * A read of a storage page that cannot be read: the model of an uncorrectable storage error (the
 * machine check a real CPU takes on damaged memory). Names the 4 KiB page, so a dumper can go on
 * past it and say which page it could not dump.
 */
public final class StorageReadErrorException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long page;

    public StorageReadErrorException(long page) {
        super(String.format("uncorrectable storage error: the page at 0x%X cannot be read", page));
        this.page = page;
    }

    /** The absolute address of the unreadable 4 KiB page. */
    public long page() {
        return page;
    }
}
