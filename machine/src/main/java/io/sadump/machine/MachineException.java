package io.sadump.machine;

/** A machine directory cannot be used: not a machine, damaged config, locked. The message is for a user. */
public class MachineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MachineException(String message) {
        super(message);
    }

    public MachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
