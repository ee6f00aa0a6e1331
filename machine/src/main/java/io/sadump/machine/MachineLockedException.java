package io.sadump.machine;

/** Another sadump command holds the machine's write lock. */
public final class MachineLockedException extends MachineException {
    private static final long serialVersionUID = 1L;

    private final boolean otherProcess;

    public MachineLockedException(String message) {
        this(message, true);
    }

    /** @param otherProcess false when this process itself holds the lock */
    public MachineLockedException(String message, boolean otherProcess) {
        super(message);
        this.otherProcess = otherProcess;
    }

    /** True when another process holds the lock (false: this process holds it already). */
    public boolean otherProcess() {
        return otherProcess;
    }
}
