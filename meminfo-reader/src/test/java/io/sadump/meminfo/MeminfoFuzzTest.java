package io.sadump.meminfo;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.StorageMemorySource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the meminfo ABI as a dumper meets it in a crashed system's storage: the pointer
 * at 0x0E18, the page, its entries and CKSMs, the kexec segment table, VMCOREINFO. Whatever the
 * bytes, the verdict is a verdict (never an exception), the locator finds or falls back, and the
 * decoders throw only {@link MeminfoFormatException}. Inputs under {@code MeminfoFuzzTestInputs/}
 * are replayed by every {@code mvn verify}.
 */
class MeminfoFuzzTest {
    /** 2 MiB: room for a 1 MiB crashkernel at 1 MiB above the bytes the fuzzer writes. */
    private static final long STORAGE = 2L << 20;

    /** The input is the first bytes of storage (lowcore, pointer, page, table...); the rest is zero. */
    @FuzzTest
    void storage(byte[] data) {
        AbsoluteStorage storage = AbsoluteStorage.inMemory(STORAGE);
        storage.write(0, data, 0, (int) Math.min(data.length, STORAGE));
        VerdictResult verdict = KdumpVerdict.evaluate(storage);
        if (verdict.passed() != verdict.failedCheck().isEmpty()) {
            throw new AssertionError("verdict both passed and failed: " + verdict);
        }
        VmcoreinfoLocator.search(new StorageMemorySource(storage));
    }

    @FuzzTest
    void page(byte[] data) {
        try {
            MeminfoPage page = MeminfoPage.read(ByteBuffer.wrap(data));
            page.computeChecksum();
            ByteBuffer out = ByteBuffer.allocate(MeminfoPage.SIZE);
            page.write(out);
            if (!ByteBuffer.wrap(data, 0, MeminfoPage.SIZE).equals(out.flip())) {
                throw new AssertionError("a meminfo page does not write back as read");
            }
        } catch (MeminfoFormatException expected) {
            // shorter than a page
        }
    }

    @FuzzTest
    void segmentTable(byte[] data) {
        try {
            KexecSegmentTable table = KexecSegmentTable.read(ByteBuffer.wrap(data));
            for (KexecSegment s : table.segments()) {
                s.end();
            }
        } catch (MeminfoFormatException expected) {
            // names the field that is wrong
        }
    }

    @FuzzTest
    void vmcoreinfoText(byte[] data) {
        VmcoreinfoNote.parse(new String(data, StandardCharsets.UTF_8));
    }
}
