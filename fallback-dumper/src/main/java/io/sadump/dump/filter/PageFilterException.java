package io.sadump.dump.filter;

import java.io.IOException;

/**
 * A dump lacks what its dump level needs to decide which pages to keep (no VMCOREINFO, no {@code
 * mem_section}, a page table entry makedumpfile would reject, ...): the run is refused, as makedumpfile
 * refuses it. The message is one line that says what is missing.
 */
public final class PageFilterException extends IOException {
    private static final long serialVersionUID = 1L;

    public PageFilterException(String message) {
        super(message);
    }
}
