package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.StorageMemorySource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VmcoreinfoLocatorTest {
    static final long MIB = 1L << 20;
    static final String TEXT = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(lowcore_ptr)=0000000001234000\n";
    static final long PAGE = 0x30000;
    static final long DATA = 0x31000;

    /** A meminfo page at {@link #PAGE} whose entry 0 covers {@code data} at {@link #DATA}, as the first kernel writes it. */
    static MeminfoWriter meminfo(AbsoluteStorage s, byte[] data) {
        s.write(DATA, data);
        MeminfoWriter w = MeminfoWriter.create(s, PAGE).setCrashkernel(4 * MIB, 2 * MIB);
        w.addData(MeminfoEntryIndex.VMCOREINFO, DATA, data.length);
        return w;
    }

    static StorageMemorySource memory(AbsoluteStorage s) {
        return new StorageMemorySource(s);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsTheTextThroughMeminfoEntryZero() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        meminfo(s, ascii(TEXT));
        VmcoreinfoLocator.Found f = VmcoreinfoLocator.search(memory(s));
        assertThat(f.text()).contains(TEXT);
        assertThat(f.origin()).isEqualTo(VmcoreinfoLocator.Origin.MEMINFO_ENTRY);
        assertThat(f.meminfo().state()).isEqualTo(MeminfoLookup.State.VALID);
        assertThat(f.problems()).isEmpty();
    }

    @Test
    void acceptsAWholeNoteInEntryZero() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        meminfo(s, VmcoreinfoNote.noteBytes(ascii(TEXT)));
        assertThat(VmcoreinfoLocator.find(memory(s))).contains(TEXT);
    }

    @Test
    void fallsBackToTheNotePointerWhenMeminfoFailsItsChecksumAndSaysSo() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        meminfo(s, ascii("OSRELEASE=wrong\n"));
        s.putU8(PAGE + 0x100, 0x55); // breaks the header checksum
        s.write(0x32004, VmcoreinfoNote.noteBytes(ascii(TEXT)));
        s.putU64(Lowcore.VMCOREINFO_POINTER, 0x32004);
        VmcoreinfoLocator.Found f = VmcoreinfoLocator.search(memory(s));
        assertThat(f.text()).contains(TEXT);
        assertThat(f.origin()).isEqualTo(VmcoreinfoLocator.Origin.LOWCORE_NOTE);
        assertThat(f.meminfo().state()).isEqualTo(MeminfoLookup.State.CHECKSUM_FAILED);
        assertThat(f.meminfo().page()).as("the damaged page is still shown").isPresent();
        assertThat(f.meminfo().validPage()).isEmpty();
        assertThat(f.problems()).containsExactly("meminfo checksum failed");
    }

    @Test
    void nothingWhenNeitherIsValid() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        assertThat(VmcoreinfoLocator.find(memory(s))).isEmpty();
        meminfo(s, ascii(TEXT));
        s.putU8(DATA, 'X'); // entry checksum no longer matches
        VmcoreinfoLocator.Found f = VmcoreinfoLocator.search(memory(s));
        assertThat(f.text()).isEmpty();
        assertThat(f.origin()).isEqualTo(VmcoreinfoLocator.Origin.NONE);
        assertThat(f.problems()).containsExactly("meminfo entry 0 (VMCOREINFO): checksum failed",
                "no VMCOREINFO found");
        s.putU64(Lowcore.VMCOREINFO_POINTER, 7 * MIB + 100); // points at zeros: no note name
        assertThat(VmcoreinfoLocator.find(memory(s))).isEmpty();
        s.putU64(Lowcore.VMCOREINFO_POINTER, 8 * MIB - 10); // the note would run past the end of memory
        assertThat(VmcoreinfoLocator.find(memory(s))).isEmpty();
    }

    @Test
    void aTextLongerThanOnePageIsNoVmcoreinfo() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        byte[] text = ascii("X=" + "y".repeat(VmcoreinfoNote.TEXT_LIMIT) + "\n");
        meminfo(s, text);
        s.write(0x40000, VmcoreinfoNote.noteBytes(text));
        s.putU64(Lowcore.VMCOREINFO_POINTER, 0x40000);
        assertThat(VmcoreinfoLocator.find(memory(s))).isEmpty();
        byte[] limit = new byte[VmcoreinfoNote.TEXT_LIMIT];
        System.arraycopy(text, 0, limit, 0, limit.length);
        s.write(0x40000, VmcoreinfoNote.noteBytes(limit));
        assertThat(VmcoreinfoLocator.find(memory(s))).hasValueSatisfying(t -> assertThat(t).hasSize(limit.length));
    }

    @Test
    void meminfoLookupNamesEachReasonInTheKernelsOrder() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        assertThat(MeminfoLookup.in(memory(s)).state()).isEqualTo(MeminfoLookup.State.NO_POINTER);
        MeminfoWriter w = meminfo(s, ascii(TEXT));
        assertThat(MeminfoLookup.in(memory(s)).validPage()).contains(w.page());
        s.putU64(Lowcore.MEMINFO_POINTER, PAGE + 8);
        assertThat(MeminfoLookup.in(memory(s)).state()).isEqualTo(MeminfoLookup.State.MISALIGNED);
        s.putU64(Lowcore.MEMINFO_POINTER, 8 * MIB);
        assertThat(MeminfoLookup.in(memory(s)).state()).isEqualTo(MeminfoLookup.State.NOT_IN_MEMORY);
        s.putU64(Lowcore.MEMINFO_POINTER, 0x50000);
        assertThat(MeminfoLookup.in(memory(s)).state()).isEqualTo(MeminfoLookup.State.BAD_MAGIC);
        s.putU64(Lowcore.MEMINFO_POINTER, PAGE);
        s.write(PAGE, w.page().withVersion(2, 0).withComputedChecksum().toBytes());
        MeminfoLookup v2 = MeminfoLookup.in(memory(s));
        assertThat(v2.state()).isEqualTo(MeminfoLookup.State.VERSION_UNSUPPORTED);
        assertThat(v2.valid()).isFalse();
        assertThat(v2.page()).isPresent();
    }
}
