package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Store status and the save area: offsets from docs/abi.md §3. */
class CpuStateTest {
    private static final long MIB = Sizes.MIB;

    /** Registers whose every byte says which register it is: easy to see in a failure. */
    static CpuState distinctive(int cpuAddress, long prefix) {
        long[] gprs = new long[16];
        int[] acrs = new int[16];
        long[] crs = new long[16];
        long[] fprs = new long[16];
        for (int i = 0; i < 16; i++) {
            gprs[i] = 0x6000_0000_0000_0000L | 0x0101_0101_0101L * i;
            acrs[i] = 0xA000_0000 | i;
            crs[i] = 0xC000_0000_0000_0000L | i;
            fprs[i] = 0xF000_0000_0000_0000L | ((long) i << 8);
        }
        return new CpuState(cpuAddress, prefix, 0x0706_0001_8000_0000L, 0x0000_0000_0012_3456L, gprs, acrs, crs, fprs,
                0x1122_3344, 0x5566_7788_99AA_BBCCL, 0xDDEE_FF00_1122_3344L, 0x0000_ABCD);
    }

    static CpuState random(SplittableRandom r, int cpuAddress) {
        long[] gprs = new long[16];
        int[] acrs = new int[16];
        long[] crs = new long[16];
        long[] fprs = new long[16];
        for (int i = 0; i < 16; i++) {
            gprs[i] = r.nextLong();
            acrs[i] = r.nextInt();
            crs[i] = r.nextLong();
            fprs[i] = r.nextLong();
        }
        long prefix = r.nextLong(0, 0x8_0000) * AbsoluteStorage.PAGE_SIZE;
        return new CpuState(cpuAddress, prefix, r.nextLong(), r.nextLong(), gprs, acrs, crs, fprs, r.nextInt(),
                r.nextLong(), r.nextLong(), r.nextInt());
    }

    private static byte[] be64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    @Test
    void lowcoreSaveAreaConstantsMatchTheReference() {
        assertThat(Lowcore.SAVE_AREA).isEqualTo(0x1200);
        assertThat(Lowcore.SAVE_AREA_SIZE).isEqualTo(0x200).isEqualTo(SaveArea.SIZE);
        assertThat(Lowcore.SAVE_FPRS).isEqualTo(0x1200);
        assertThat(Lowcore.SAVE_GPRS).isEqualTo(0x1280);
        assertThat(Lowcore.SAVE_PSW).isEqualTo(0x1300);
        assertThat(Lowcore.SAVE_PREFIX).isEqualTo(0x1318);
        assertThat(Lowcore.SAVE_FPC).isEqualTo(0x131C);
        assertThat(Lowcore.SAVE_TOD_PROGRAMMABLE).isEqualTo(0x1324);
        assertThat(Lowcore.SAVE_CPU_TIMER).isEqualTo(0x1328);
        assertThat(Lowcore.SAVE_CLOCK_COMPARATOR).isEqualTo(0x1330);
        assertThat(Lowcore.SAVE_ACCESS_REGISTERS).isEqualTo(0x1340);
        assertThat(Lowcore.SAVE_CONTROL_REGISTERS).isEqualTo(0x1380);
        assertThat(Lowcore.IPIB_POINTER).isEqualTo(0x0E00);
        assertThat(Lowcore.IPIB_CHECKSUM).isEqualTo(0x0E08);
        assertThat(Lowcore.VMCOREINFO_POINTER).isEqualTo(0x0E0C);
        assertThat(Lowcore.MEMINFO_POINTER).isEqualTo(0x0E18);
        assertThat(Lowcore.IMAGE_ENTRY).isEqualTo(0x10000);
        assertThat(Lowcore.IMAGE_ENTRY_KDUMP).isEqualTo(0x10010);
        assertThat(Lowcore.OLDMEM_BASE).isEqualTo(0x10418);
        assertThat(Lowcore.OLDMEM_SIZE).isEqualTo(0x10420);
    }

    /** Every field of the save area at its absolute address, as raw big-endian bytes. */
    private static void assertSaveAreaBytes(AbsoluteStorage s, long page, CpuState c) {
        for (int i = 0; i < 16; i++) {
            assertThat(s.bytes(page + 0x1200 + 8 * i, 8)).as("FPR %d", i).containsExactly(be64(c.fprs()[i]));
            assertThat(s.bytes(page + 0x1280 + 8 * i, 8)).as("GPR %d", i).containsExactly(be64(c.gprs()[i]));
            assertThat(s.bytes(page + 0x1340 + 4 * i, 4)).as("ACR %d", i)
                    .containsExactly(be32(c.accessRegisters()[i]));
            assertThat(s.bytes(page + 0x1380 + 8 * i, 8)).as("CR %d", i)
                    .containsExactly(be64(c.controlRegisters()[i]));
        }
        assertThat(s.bytes(page + 0x1300, 16)).as("PSW").containsExactly(
                ByteBuffer.allocate(16).putLong(c.pswMask()).putLong(c.pswAddress()).array());
        assertThat(s.bytes(page + 0x1318, 4)).as("prefix").containsExactly(be32((int) c.prefix()));
        assertThat(s.bytes(page + 0x131C, 4)).as("FPC").containsExactly(be32(c.fpc()));
        assertThat(s.bytes(page + 0x1324, 4)).as("TOD programmable").containsExactly(be32(c.todProgrammable()));
        assertThat(s.bytes(page + 0x1328, 8)).as("CPU timer").containsExactly(be64(c.cpuTimer()));
        assertThat(s.bytes(page + 0x1330, 8)).as("clock comparator").containsExactly(be64(c.clockComparator()));
        // reserved gaps are zero
        assertThat(s.bytes(page + 0x1310, 8)).as("0x1310 reserved").containsOnly(0);
        assertThat(s.bytes(page + 0x1320, 4)).as("0x1320 reserved").containsOnly(0);
        assertThat(s.bytes(page + 0x1338, 8)).as("0x1338 reserved").containsOnly(0);
        // nothing outside 0x1200..0x13FF
        assertThat(s.u8(page + 0x11FF)).isZero();
        assertThat(s.u8(page + 0x1400)).isZero();
    }

    @Test
    void storeStatusWritesTheSaveAreaOfThePrefixPage() {
        long prefix = 2 * MIB + 0x6000;
        CpuState c = distinctive(3, prefix);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(4 * MIB)) {
            c.storeStatus(s, false);
            assertSaveAreaBytes(s, prefix, c);
            // spot checks with hand-written bytes
            assertThat(s.bytes(prefix + 0x1300, 16)).containsExactly(
                    0x07, 0x06, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0x00, 0x12, 0x34, 0x56);
            assertThat(s.bytes(prefix + 0x1318, 4)).containsExactly(0x00, 0x20, 0x60, 0x00);
            assertThat(s.bytes(prefix + 0x1324, 4)).containsExactly(0x00, 0x00, 0xAB, 0xCD);
            assertThat(s.bytes(prefix + 0x1288, 8)).containsExactly(0x60, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01);
            assertThat(s.bytes(prefix + 0x1344, 4)).containsExactly(0xA0, 0x00, 0x00, 0x01);
            // absolute zero untouched
            assertThat(s.writtenFrames().isWritten(0)).isFalse();
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(2L);
            assertThat(SaveArea.readFrom(s, prefix)).isEqualTo(c.saveArea());
            assertThat(CpuState.fromSaveArea(3, SaveArea.readFrom(s, prefix))).isEqualTo(c);
        }
    }

    @Test
    void storeStatusAtAbsoluteZeroWritesBothCopies() {
        long prefix = 2 * MIB;
        CpuState c = distinctive(0, prefix);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(4 * MIB)) {
            c.storeStatus(s, true);
            assertSaveAreaBytes(s, prefix, c);
            assertSaveAreaBytes(s, 0, c);
            assertThat(s.bytes(0x1200, 512)).isEqualTo(s.bytes(prefix + 0x1200, 512));
            // the copy at absolute zero still carries the CPU's prefix, which the dump tools look at
            assertThat(s.u32(Lowcore.SAVE_PREFIX)).isEqualTo(prefix);
        }
    }

    @Test
    void storeStatusWithPrefixZeroWritesOnce() {
        CpuState c = distinctive(0, 0);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(MIB)) {
            c.storeStatus(s, true);
            assertSaveAreaBytes(s, 0, c);
            assertThat(s.u32(0x1318)).isZero();
        }
    }

    @Test
    void storeStatusOutsideStorageNamesTheAddress() {
        CpuState c = distinctive(1, 2 * MIB);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(2 * MIB)) {
            assertThatThrownBy(() -> c.storeStatus(s, false)).isInstanceOf(AddressOutOfRangeException.class)
                    .hasMessageContaining("0x201200");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void saveAreaRoundTrips(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        CpuState c = random(r, r.nextInt(0, 64));
        SaveArea area = c.saveArea();
        byte[] raw = area.toBytes();
        assertThat(raw).hasSize(512);
        // read from the middle of a little-endian buffer: still big-endian, position moves by 512
        ByteBuffer buf = ByteBuffer.allocate(600).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(40);
        area.write(buf);
        assertThat(buf.position()).isEqualTo(552);
        buf.position(40);
        SaveArea back = SaveArea.read(buf);
        assertThat(buf.position()).isEqualTo(552);
        assertThat(back).as("seed %d", seed).isEqualTo(area);
        assertThat(back.toBytes()).isEqualTo(raw);
        assertThat(back.hashCode()).isEqualTo(area.hashCode());
        assertThat(CpuState.fromSaveArea(c.cpuAddress(), back)).as("seed %d", seed).isEqualTo(c);
        assertThat(ByteBuffer.wrap(raw).getLong(0x1300 - 0x1200)).isEqualTo(c.pswMask());
        assertThat(ByteBuffer.wrap(raw).getInt(0x1318 - 0x1200)).isEqualTo((int) c.prefix());
    }

    @Test
    void saveAreaWriteClearsReservedBytes() {
        SaveArea area = distinctive(0, 0).saveArea();
        ByteBuffer buf = ByteBuffer.allocate(512);
        for (int i = 0; i < 512; i++) {
            buf.put(i, (byte) 0xEE);
        }
        area.write(buf);
        assertThat(buf.array()).isEqualTo(area.toBytes());
        assertThat(buf.get(0x110)).isZero();
        assertThat(buf.get(0x120)).isZero();
    }

    @Test
    void saveAreaNeedsSixteenOfEachRegister() {
        assertThatThrownBy(() -> new SaveArea(new long[15], new long[16], 0, 0, 0, 0, 0, 0, 0, new int[16],
                new long[16])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
        assertThatThrownBy(() -> new SaveArea(new long[16], new long[16], 0, 0, 0, 0, 0, 0, 0, new int[16],
                new long[17])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpuStateIsImmutable() {
        CpuState c = distinctive(0, 0);
        c.gprs()[0] = 42;
        c.accessRegisters()[0] = 42;
        c.controlRegisters()[0] = 42;
        c.fprs()[0] = 42;
        assertThat(c).isEqualTo(distinctive(0, 0));
        long[] gprs = new long[16];
        CpuState d = new CpuState(0, 0, 0, 0, gprs, new int[16], new long[16], new long[16], 0, 0, 0, 0);
        gprs[1] = 7;
        assertThat(d.gprs()[1]).isZero();
        assertThat(d).isEqualTo(CpuState.reset(0)).hasSameHashCodeAs(CpuState.reset(0));
        assertThat(d).isNotEqualTo(CpuState.reset(1));
    }

    @Test
    void withersChangeOneThing() {
        CpuState c = distinctive(5, 0x4000);
        CpuState moved = c.withPrefix(0x8000);
        assertThat(moved.prefix()).isEqualTo(0x8000);
        assertThat(moved.withPrefix(0x4000)).isEqualTo(c);
        CpuState psw = c.withPsw(1, 2);
        assertThat(psw.pswMask()).isEqualTo(1);
        assertThat(psw.pswAddress()).isEqualTo(2);
        assertThat(psw.withPsw(c.pswMask(), c.pswAddress())).isEqualTo(c);
        assertThat(c.toString()).contains("CPU 5").contains("0x4000");
    }

    @Test
    void invalidRegistersAreRefused() {
        assertThatThrownBy(() -> CpuState.reset(0).withPrefix(0x1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x1001");
        assertThatThrownBy(() -> CpuState.reset(0).withPrefix(-4096)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CpuState.reset(0).withPrefix(0x1_0000_0000L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpuState(0, 0, 0, 0, new long[15], new int[16], new long[16], new long[16], 0, 0,
                0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GPRs");
        assertThatThrownBy(() -> new CpuState(0, 0, 0, 0, new long[16], new int[17], new long[16], new long[16], 0, 0,
                0, 0)).hasMessageContaining("access registers");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void cpuStateFileRoundTrips(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<CpuState> cpus = new ArrayList<>();
        int n = r.nextInt(1, 9);
        for (int i = 0; i < n; i++) {
            cpus.add(random(r, i));
        }
        cpus.add(CpuState.reset(n)); // all zeros
        cpus.add(distinctive(n + 1, 0x7FFF_F000L));
        String text = CpuStateFile.format(cpus);
        assertThat(CpuStateFile.parse(text)).as("seed %d:\n%s", seed, text).isEqualTo(cpus);
        // CRLF and extra blank lines and comments are tolerated
        assertThat(CpuStateFile.parse("# edited\n\n" + text.replace("\n", "\r\n"))).isEqualTo(cpus);
    }

    @Test
    void cpuStateFileIsReadableText() {
        String text = CpuStateFile.format(List.of(distinctive(2, 0x4000)));
        assertThat(text).contains("cpu 2\n").contains("prefix = 0x4000\n")
                .contains("psw = 0x706000180000000 0x123456\n").contains("fpc = 0x11223344\n")
                .contains("tod_programmable = 0xabcd\n");
        assertThat(CpuStateFile.parse("")).isEmpty();
    }

    @Test
    void cpuStateFileErrorsNameTheLineOrTheCpu() {
        String good = CpuStateFile.format(List.of(distinctive(0, 0), distinctive(1, 0x2000)));
        assertThatThrownBy(() -> CpuStateFile.parse("prefix = 0x0\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> CpuStateFile.parse(good.replace("cpu 1", "cpu one")))
                .hasMessageContaining("line 13");
        assertThatThrownBy(() -> CpuStateFile.parse(good + "nonsense\n")).hasMessageContaining("line 24");
        assertThatThrownBy(() -> CpuStateFile.parse(good.replace("  fpc = 0x11223344\n  cpu_timer",
                "  cpu_timer"))).hasMessageContaining("cpu 0").hasMessageContaining("fpc");
        assertThatThrownBy(() -> CpuStateFile.parse(good.replaceFirst("prefix = 0x2000", "prefix = 0xzz")))
                .hasMessageContaining("cpu 1").hasMessageContaining("line 14").hasMessageContaining("0xzz");
        assertThatThrownBy(() -> CpuStateFile.parse(good.replaceFirst("prefix = 0x2000", "prefix = +2000")))
                .hasMessageContaining("+2000");
        assertThatThrownBy(() -> CpuStateFile.parse(good + "  fpc = 0x1\n")).hasMessageContaining("line 24")
                .hasMessageContaining("already set on line 20");
        assertThatThrownBy(() -> CpuStateFile.parse(good.replaceFirst("acrs = 0xa0000000", "acrs = 0x1a0000000")))
                .hasMessageContaining("cpu 0").hasMessageContaining("access register 0");
        assertThatThrownBy(() -> CpuStateFile.parse(good.replaceFirst("gprs = 0x6000000000000000 ", "gprs = ")))
                .hasMessageContaining("cpu 0").hasMessageContaining("16 GPRs");
    }
}
