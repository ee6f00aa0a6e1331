package io.sadump.machine;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether the machine's CPUs run, as the HMC shows an image's status, kept in {@code run.state}.
 *
 * <p>z/Architecture (Principles of Operation, "CPU states") knows the stopped, operating, load and
 * check-stop states; the wait state is not a CPU state but PSW bit 14 of an operating CPU. An operating
 * CPU whose PSW has the wait bit on and the I/O (bit 6), external (bit 7) and machine-check (bit 13)
 * masks off can never leave the wait by an interruption: that is the <em>disabled wait</em> the dumpers
 * and the kernel load to stop for good, with a code in the PSW's instruction address
 * (docs/abi.md §8; Hercules
 * reports it as {@code HHCCP011I CPU0000: Disabled wait state}, docs/formats.md §11, docs/architecture.md §8). The
 * HMC lists it as its own status, and so does this model: {@link Status#DISABLED_WAIT}.
 *
 * <p>The model keeps one status for the whole machine: the HMC's stop and start act on all CPUs, the
 * dumper stops every CPU but the IPL CPU (SIGP stop-and-store) and the IPL CPU carries the wait PSW. The
 * load state (during the IPL itself) is never visible between two commands, so it is not modelled.
 *
 * @param waitCode the disabled-wait code (the low 32 bits of the IPL CPU's PSW address), 0 otherwise
 */
public record RunState(Status status, int waitCode) {
    /** PSW bit 6, the I/O interruption mask. */
    public static final long PSW_IO_MASK = 1L << (63 - 6);
    /** PSW bit 7, the external interruption mask. */
    public static final long PSW_EXTERNAL_MASK = 1L << (63 - 7);
    /** PSW bit 13, the machine-check mask. */
    public static final long PSW_MACHINE_CHECK_MASK = 1L << (63 - 13);
    /** PSW bit 14, the wait state bit. */
    public static final long PSW_WAIT = 1L << (63 - 14);

    /** The statuses the HMC shows for an image. */
    public enum Status {
        /** The CPUs execute instructions (also when they wait, enabled, for an interruption). */
        OPERATING("operating", "operating"),
        /** The CPUs are stopped: by the HMC's stop, a reset, or a kernel's stop action; the PSW stays. */
        STOPPED("stopped", "stopped"),
        /** The IPL CPU waits with every interruption masked off; its PSW address carries the code. */
        DISABLED_WAIT("disabled-wait", "disabled wait"),
        /** A machine malfunction stopped the CPUs; only a reset (or a load clear) recovers. */
        CHECK_STOP("check-stop", "check-stopped");

        private final String word;
        private final String text;

        Status(String word, String text) {
            this.word = word;
            this.text = text;
        }

        /** The word in {@code run.state} and in JSON: {@code operating}, {@code disabled-wait}. */
        public String word() {
            return word;
        }

        /** The words an operator reads: {@code operating}, {@code disabled wait}. */
        public String text() {
            return text;
        }

        /** The status named {@code word} ({@link #word()}). */
        public static Status ofWord(String word) {
            for (Status s : values()) {
                if (s.word.equals(word)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown run state '" + word
                    + "' (operating, stopped, disabled-wait or check-stop)");
        }
    }

    public RunState {
        Objects.requireNonNull(status, "status");
        if (status != Status.DISABLED_WAIT && waitCode != 0) {
            throw new IllegalArgumentException("only a disabled wait has a code, not " + status.word());
        }
    }

    public static RunState operating() {
        return new RunState(Status.OPERATING, 0);
    }

    public static RunState stopped() {
        return new RunState(Status.STOPPED, 0);
    }

    public static RunState checkStop() {
        return new RunState(Status.CHECK_STOP, 0);
    }

    public static RunState disabledWait(int code) {
        return new RunState(Status.DISABLED_WAIT, code);
    }

    /** True when the CPUs run, so a normal load needs them stopped first. */
    public boolean isOperating() {
        return status == Status.OPERATING;
    }

    /** True for a PSW mask in the wait state with I/O, external and machine-check interruptions masked off. */
    public static boolean isDisabledWait(long pswMask) {
        return (pswMask & PSW_WAIT) != 0 && (pswMask & (PSW_IO_MASK | PSW_EXTERNAL_MASK | PSW_MACHINE_CHECK_MASK)) == 0;
    }

    /**
     * The state a machine directory without {@code run.state} (made before the file existed) is taken to
     * be in, from its IPL CPU's PSW: a disabled-wait PSW is a disabled wait with its code; an all-zero
     * PSW is a CPU after reset, which nothing started (stopped); any other PSW is a running system.
     */
    public static RunState derive(List<CpuState> cpus) {
        if (cpus.isEmpty()) {
            return stopped();
        }
        CpuState ipl = cpus.get(0);
        if (isDisabledWait(ipl.pswMask())) {
            return disabledWait((int) ipl.pswAddress());
        }
        if (ipl.pswMask() == 0 && ipl.pswAddress() == 0) {
            return stopped();
        }
        return operating();
    }

    /** One line for an operator: {@code operating}, {@code disabled wait, code 0x4533}. */
    public String describe() {
        return status == Status.DISABLED_WAIT ? String.format("disabled wait, code 0x%04X", waitCode) : status.text();
    }

    /** The file text of {@code run.state}. */
    public String format() {
        String value = status == Status.DISABLED_WAIT ? status.word() + String.format(" 0x%04X", waitCode)
                : status.word();
        return "# sadump CPU run state: operating, stopped, disabled-wait CODE or check-stop\nstate = " + value
                + "\n";
    }

    /**
     * Parses the text of {@code run.state}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static RunState parse(String text) {
        RunState found = null;
        for (SettingsText.Setting setting : SettingsText.parse(text)) {
            if (!setting.key().equals("state")) {
                throw new IllegalArgumentException("line " + setting.line() + ": expected one 'state = ...' line, got '"
                        + setting.key() + " = " + setting.value() + "'");
            }
            String[] words = setting.value().toLowerCase(Locale.ROOT).split("\\s+");
            try {
                Status s = Status.ofWord(words[0]);
                if (s == Status.DISABLED_WAIT) {
                    if (words.length != 2) {
                        throw new IllegalArgumentException("disabled-wait needs its code, e.g. 'disabled-wait 0x4533'");
                    }
                    String hex = words[1].startsWith("0x") ? words[1].substring(2) : words[1];
                    long code = Long.parseLong(hex, 16);
                    if (code < 0 || code >>> 32 != 0) {
                        throw new IllegalArgumentException("a wait code has 32 bits, not " + words[1]);
                    }
                    found = disabledWait((int) code);
                } else if (words.length != 1) {
                    throw new IllegalArgumentException(s.word() + " takes no code");
                } else {
                    found = new RunState(s, 0);
                }
            } catch (NumberFormatException e) {
                throw setting.error(new IllegalArgumentException("not a hex wait code: '" + words[1] + "'", e));
            } catch (IllegalArgumentException e) {
                throw setting.error(e);
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no 'state = ...' line");
        }
        return found;
    }
}
