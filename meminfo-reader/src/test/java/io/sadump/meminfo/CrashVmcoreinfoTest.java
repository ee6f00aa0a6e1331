package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.StorageMemorySource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrashVmcoreinfoTest {
    static final long MIB = 1L << 20;
    static final long NOTE = 0x202000;
    static final long PAGE = 0x203000;
    static final Instant CRASH = Instant.parse("2026-12-01T22:50:07Z");

    /** A first kernel's VMCOREINFO as the model boots it: the note at 0x0E0C, entry 0 covering its text. */
    static AbsoluteStorage booted(String text) {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        s.write(NOTE, VmcoreinfoNote.noteBytes(text.getBytes(StandardCharsets.US_ASCII)));
        s.putU64(Lowcore.VMCOREINFO_POINTER, NOTE);
        MeminfoWriter w = MeminfoWriter.create(s, PAGE).setCrashkernel(4 * MIB, 2 * MIB);
        w.addData(MeminfoEntryIndex.VMCOREINFO, NOTE + VmcoreinfoNote.TEXT_OFFSET, text.length());
        return s;
    }

    static VmcoreinfoLocator.Found search(AbsoluteStorage s) {
        return VmcoreinfoLocator.search(new StorageMemorySource(s));
    }

    @Test
    void appendsTheCrashTimeAndKeepsEntryZeroAndTheHeaderValid() {
        AbsoluteStorage s = booted("OSRELEASE=6.1.0\nPAGESIZE=4096\n");
        Optional<CrashVmcoreinfo.Saved> saved = CrashVmcoreinfo.save(s, CRASH);
        assertThat(saved).isPresent();
        assertThat(saved.get().meminfoEntryUpdated()).isTrue();
        String expected = "OSRELEASE=6.1.0\nPAGESIZE=4096\nCRASHTIME=" + CRASH.getEpochSecond() + "\n";
        VmcoreinfoLocator.Found f = search(s);
        assertThat(f.meminfo().valid()).isTrue();
        assertThat(f.origin()).isEqualTo(VmcoreinfoLocator.Origin.MEMINFO_ENTRY);
        assertThat(f.text()).contains(expected);
        assertThat(VmcoreinfoNote.crashTime(f.text().orElseThrow())).contains(CRASH);
        // the note at 0x0E0C says the same, and the empty note follows it
        assertThat(VmcoreinfoNote.textOf(s.bytes(NOTE, VmcoreinfoNote.NOTE_LIMIT)))
                .hasValueSatisfying(t -> assertThat(new String(t, StandardCharsets.US_ASCII)).isEqualTo(expected));
        int noteLength = VmcoreinfoNote.noteBytes(expected.getBytes(StandardCharsets.US_ASCII)).length;
        assertThat(s.bytes(NOTE + noteLength, VmcoreinfoNote.HEADER_SIZE)).containsOnly(0);
    }

    @Test
    void aSecondDumpReplacesTheCrashTime() {
        AbsoluteStorage s = booted("OSRELEASE=6.1.0\n");
        CrashVmcoreinfo.save(s, CRASH);
        Instant later = CRASH.plusSeconds(3600);
        CrashVmcoreinfo.save(s, later);
        assertThat(search(s).text()).contains("OSRELEASE=6.1.0\nCRASHTIME=" + later.getEpochSecond() + "\n");
    }

    @Test
    void aDamagedPageStaysDamagedAndTheNoteStillGetsTheTime() {
        AbsoluteStorage s = booted("OSRELEASE=6.1.0\n");
        s.putU8(PAGE + 0x200, 0x5A); // the header checksum fails now
        byte[] before = s.bytes(PAGE, MeminfoPage.SIZE);
        Optional<CrashVmcoreinfo.Saved> saved = CrashVmcoreinfo.save(s, CRASH);
        assertThat(saved.orElseThrow().meminfoEntryUpdated()).isFalse();
        assertThat(s.bytes(PAGE, MeminfoPage.SIZE)).isEqualTo(before);
        VmcoreinfoLocator.Found f = search(s);
        assertThat(f.meminfo().state()).isEqualTo(MeminfoLookup.State.CHECKSUM_FAILED);
        assertThat(f.origin()).isEqualTo(VmcoreinfoLocator.Origin.LOWCORE_NOTE);
        assertThat(f.text().flatMap(VmcoreinfoNote::crashTime)).contains(CRASH);
    }

    @Test
    void anEntryThatNoLongerMatchedItsTextIsLeftAsItWas() {
        AbsoluteStorage s = booted("OSRELEASE=6.1.0\n");
        s.putU8(NOTE + VmcoreinfoNote.TEXT_OFFSET, 'X'); // the text was damaged after the kernel sealed entry 0
        MeminfoPage before = MeminfoPage.read(s.bytes(PAGE, MeminfoPage.SIZE));
        assertThat(CrashVmcoreinfo.save(s, CRASH).orElseThrow().meminfoEntryUpdated()).isFalse();
        assertThat(MeminfoPage.read(s.bytes(PAGE, MeminfoPage.SIZE))).isEqualTo(before);
        assertThat(search(s).problems()).contains("meminfo entry 0 (VMCOREINFO): checksum failed");
    }

    @Test
    void nothingToDoWithoutANote() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        assertThat(CrashVmcoreinfo.save(s, CRASH)).isEmpty();
        s.putU64(Lowcore.VMCOREINFO_POINTER, 0x40000); // zeros there: no note
        assertThat(CrashVmcoreinfo.save(s, CRASH)).isEmpty();
        assertThat(s.bytes(0x40000, 64)).containsOnly(0);
    }

    /** Random texts and times: the verdict-relevant header stays valid, the text gains exactly one crash time. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 0x5AD0})
    void randomTextsKeepTheirLinesAndGainOneCrashTime(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, String> m = new LinkedHashMap<>();
        int lines = 1 + rnd.nextInt(40);
        for (int i = 0; i < lines; i++) {
            m.put("SYMBOL(s" + i + ")", Long.toHexString(rnd.nextLong() >>> 1));
        }
        if (rnd.nextBoolean()) {
            m.put(VmcoreinfoNote.CRASHTIME, Long.toString(1_700_000_000L + rnd.nextInt(1 << 20)));
        }
        String text = new VmcoreinfoNote(m).text();
        AbsoluteStorage s = booted(text);
        Instant when = Instant.ofEpochSecond(1_600_000_000L + rnd.nextInt(1 << 30));
        CrashVmcoreinfo.save(s, when);
        VmcoreinfoLocator.Found f = search(s);
        String seedText = "seed " + seed;
        assertThat(f.meminfo().valid()).as(seedText).isTrue();
        assertThat(f.origin()).as(seedText).isEqualTo(VmcoreinfoLocator.Origin.MEMINFO_ENTRY);
        Map<String, String> expected = new LinkedHashMap<>(m);
        expected.remove(VmcoreinfoNote.CRASHTIME);
        expected.put(VmcoreinfoNote.CRASHTIME, Long.toString(when.getEpochSecond()));
        assertThat(VmcoreinfoNote.parse(f.text().orElseThrow()).entries()).as(seedText)
                .containsExactlyEntriesOf(expected);
        assertThat(f.text().orElseThrow().split("CRASHTIME=", -1)).as(seedText).hasSize(2);
    }
}
