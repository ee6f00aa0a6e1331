package io.sadump.dump.elf;

import io.sadump.machine.CpuState;
import io.sadump.meminfo.VmcoreinfoNote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The notes of an s390x vmcore (docs/formats.md §7.2): PRPSINFO,
 * then per CPU PRSTATUS (336 bytes), PRFPREG (136), S390_TIMER, S390_TODCMP, S390_TODPREG (4 bytes),
 * S390_CTRS, S390_PREFIX, then VMCOREINFO. Per-CPU s390 notes are named "LINUX" as recent kernels
 * write them ("CORE" in older kernels; both are read).
 */
public final class S390CoreNotes {
    private S390CoreNotes() {}

    public static final String CORE = "CORE";
    public static final String LINUX = "LINUX";
    public static final String VMCOREINFO = VmcoreinfoNote.NAME;

    public static final int NT_PRSTATUS = 1;
    public static final int NT_PRFPREG = 2;
    public static final int NT_PRPSINFO = 3;
    public static final int NT_S390_TIMER = 0x301;
    public static final int NT_S390_TODCMP = 0x302;
    public static final int NT_S390_TODPREG = 0x303;
    public static final int NT_S390_CTRS = 0x304;
    public static final int NT_S390_PREFIX = 0x305;
    public static final int NT_VMCOREINFO = 0;

    /** s390x {@code struct elf_prstatus}. */
    public static final int PRSTATUS_SIZE = 336;
    static final int PRSTATUS_PID = 32;
    static final int PRSTATUS_PSW_MASK = 112;
    static final int PRSTATUS_PSW_ADDR = 120;
    static final int PRSTATUS_GPRS = 128;
    static final int PRSTATUS_ACRS = 256;
    static final int PRSTATUS_ORIG_GPR2 = 320;
    /** {@code s390_fp_regs}: fpc u32, pad u32, fprs[16] u64. */
    public static final int PRFPREG_SIZE = 136;
    static final int PRFPREG_FPC = 0;
    static final int PRFPREG_FPRS = 8;
    /** 64-bit generic {@code struct elf_prpsinfo}. */
    public static final int PRPSINFO_SIZE = 136;
    static final int PRPSINFO_SNAME = 1;
    static final int PRPSINFO_FNAME = 40;
    static final int CTRS_SIZE = 128;
    /** NT_S390_TODPREG is 4 bytes since kernel commit f44e07a8afdd; older kernels wrote 8. */
    static final int TODPREG_SIZE = 4;

    /** NT_PRPSINFO as the kernel fills it: state 'R', file name "vmlinux". */
    public static ElfNote prpsinfo() {
        byte[] d = new byte[PRPSINFO_SIZE];
        d[PRPSINFO_SNAME] = 'R';
        byte[] fname = "vmlinux".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(fname, 0, d, PRPSINFO_FNAME, fname.length);
        return new ElfNote(CORE, NT_PRPSINFO, d);
    }

    /** The seven notes of one CPU; {@code ordinal} is 1-based ({@code pr_pid}). */
    public static List<ElfNote> cpuNotes(CpuState cpu, int ordinal, String s390Name) {
        List<ElfNote> notes = new ArrayList<>();
        ByteBuffer pr = ByteBuffer.allocate(PRSTATUS_SIZE);
        pr.putInt(PRSTATUS_PID, ordinal);
        pr.putLong(PRSTATUS_PSW_MASK, cpu.pswMask()).putLong(PRSTATUS_PSW_ADDR, cpu.pswAddress());
        long[] gprs = cpu.gprs();
        int[] acrs = cpu.accessRegisters();
        for (int i = 0; i < 16; i++) {
            pr.putLong(PRSTATUS_GPRS + 8 * i, gprs[i]);
            pr.putInt(PRSTATUS_ACRS + 4 * i, acrs[i]);
        }
        notes.add(new ElfNote(CORE, NT_PRSTATUS, pr.array()));
        ByteBuffer fp = ByteBuffer.allocate(PRFPREG_SIZE);
        fp.putInt(PRFPREG_FPC, cpu.fpc());
        long[] fprs = cpu.fprs();
        for (int i = 0; i < 16; i++) {
            fp.putLong(PRFPREG_FPRS + 8 * i, fprs[i]);
        }
        notes.add(new ElfNote(CORE, NT_PRFPREG, fp.array()));
        notes.add(new ElfNote(s390Name, NT_S390_TIMER, ByteBuffer.allocate(8).putLong(cpu.cpuTimer()).array()));
        notes.add(new ElfNote(s390Name, NT_S390_TODCMP, ByteBuffer.allocate(8).putLong(cpu.clockComparator()).array()));
        notes.add(new ElfNote(s390Name, NT_S390_TODPREG,
                ByteBuffer.allocate(TODPREG_SIZE).putInt(cpu.todProgrammable()).array()));
        ByteBuffer crs = ByteBuffer.allocate(CTRS_SIZE);
        for (long cr : cpu.controlRegisters()) {
            crs.putLong(cr);
        }
        notes.add(new ElfNote(s390Name, NT_S390_CTRS, crs.array()));
        notes.add(new ElfNote(s390Name, NT_S390_PREFIX, ByteBuffer.allocate(4).putInt((int) cpu.prefix()).array()));
        return notes;
    }

    public static ElfNote vmcoreinfo(String text) {
        return new ElfNote(VMCOREINFO, NT_VMCOREINFO, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The CPUs the notes describe: each CORE NT_PRSTATUS starts one, the FP and s390 notes after it complete
     * it.
     *
     * @throws IllegalArgumentException naming a malformed CPU note
     */
    public static List<CpuState> cpus(List<ElfNote> notes) {
        CpuCollector c = new CpuCollector();
        for (ElfNote n : notes) {
            String err = c.accept(n);
            if (err != null) {
                throw new IllegalArgumentException(err);
            }
        }
        String err = c.close();
        if (err != null) {
            throw new IllegalArgumentException(err);
        }
        return List.copyOf(c.cpus());
    }

    /** Builds CPUs from notes: each PRSTATUS starts a CPU, the notes after it until the next complete it. */
    static final class CpuCollector {
        private final List<CpuState> cpus = new ArrayList<>();
        private boolean open;
        private int pid;
        private long pswMask;
        private long pswAddr;
        private long[] gprs;
        private int[] acrs;
        private long[] fprs;
        private long[] crs;
        private int fpc;
        private long timer;
        private long todcmp;
        private int todpreg;
        private long prefix;

        /** Returns an error text for a malformed CPU note, else null. */
        String accept(ElfNote n) {
            boolean core = n.name().equals(CORE);
            boolean s390 = core || n.name().equals(LINUX);
            ByteBuffer d = ByteBuffer.wrap(n.desc());
            if (core && n.type() == NT_PRSTATUS) {
                if (n.descSize() < PRSTATUS_SIZE) {
                    return "NT_PRSTATUS has " + n.descSize() + " bytes, not 336";
                }
                String err = close();
                if (err != null) {
                    return err;
                }
                open = true;
                pid = d.getInt(PRSTATUS_PID);
                pswMask = d.getLong(PRSTATUS_PSW_MASK);
                pswAddr = d.getLong(PRSTATUS_PSW_ADDR);
                gprs = new long[16];
                acrs = new int[16];
                fprs = new long[16];
                crs = new long[16];
                for (int i = 0; i < 16; i++) {
                    gprs[i] = d.getLong(PRSTATUS_GPRS + 8 * i);
                    acrs[i] = d.getInt(PRSTATUS_ACRS + 4 * i);
                }
                fpc = 0;
                timer = 0;
                todcmp = 0;
                todpreg = 0;
                prefix = 0;
                return null;
            }
            if (!open || !s390) {
                return null;
            }
            switch (n.type()) {
                case NT_PRFPREG -> {
                    if (core && n.descSize() >= PRFPREG_SIZE) {
                        fpc = d.getInt(PRFPREG_FPC);
                        for (int i = 0; i < 16; i++) {
                            fprs[i] = d.getLong(PRFPREG_FPRS + 8 * i);
                        }
                    }
                }
                case NT_S390_TIMER -> timer = n.descSize() >= 8 ? d.getLong(0) : 0;
                case NT_S390_TODCMP -> todcmp = n.descSize() >= 8 ? d.getLong(0) : 0;
                case NT_S390_TODPREG -> todpreg = n.descSize() >= 4 ? d.getInt(0) : 0;
                case NT_S390_CTRS -> {
                    for (int i = 0; i < 16 && 8 * i + 8 <= n.descSize(); i++) {
                        crs[i] = d.getLong(8 * i);
                    }
                }
                case NT_S390_PREFIX -> prefix = n.descSize() >= 4 ? d.getInt(0) & 0xFFFF_FFFFL : 0;
                default -> { }
            }
            return null;
        }

        String close() {
            if (!open) {
                return null;
            }
            open = false;
            try {
                cpus.add(new CpuState(Math.max(0, pid - 1), prefix, pswMask, pswAddr, gprs, acrs, crs, fprs, fpc, timer,
                        todcmp, todpreg));
                return null;
            } catch (IllegalArgumentException e) {
                return "CPU " + pid + ": " + e.getMessage();
            }
        }

        List<CpuState> cpus() {
            return cpus;
        }
    }
}
