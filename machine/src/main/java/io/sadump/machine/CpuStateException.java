package io.sadump.machine;

/**
 * An HMC task that the CPUs' run state does not allow: a normal load while they operate, start in a
 * disabled wait, stop in check-stop. Nothing was changed; the message names the way out.
 */
public class CpuStateException extends MachineException {
    private static final long serialVersionUID = 1L;

    public CpuStateException(String message) {
        super(message);
    }
}
