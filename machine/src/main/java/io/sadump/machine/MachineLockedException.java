package io.sadump.machine;

/** Another sadump command holds the machine's write lock. */
public final class MachineLockedException extends MachineException {
    private static final long serialVersionUID = 1L;

    public MachineLockedException(String message) {
        super(message);
    }
}
