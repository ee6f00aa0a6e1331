package io.sadump.ipl;

/** How the machine ends a load or restart (docs/abi.md §10). */
public enum AfterDump {
    /** A valid IPIB: the production system was IPLed again and runs. */
    REIPL("reipl"),
    /** No valid IPIB: the IPL CPU loaded a disabled wait PSW carrying the code. */
    DISABLED_WAIT("disabled-wait"),
    /** The CPUs are stopped (dumpconf stop, a clear load, or no system to boot). */
    STOPPED("stopped");

    private final String word;

    AfterDump(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
