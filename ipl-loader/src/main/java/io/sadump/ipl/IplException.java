package io.sadump.ipl;

import io.sadump.machine.MachineException;

/**
 * A load or restart could not start: no device at that number, a device without a dump tool, an
 * unreadable IPL record. The message says what the operator should do.
 */
public class IplException extends MachineException {
    private static final long serialVersionUID = 1L;

    public IplException(String message) {
        super(message);
    }

    public IplException(String message, Throwable cause) {
        super(message, cause);
    }
}
