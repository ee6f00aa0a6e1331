package io.sadump.ipl;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sadump.machine.AbsoluteStorage;

/**
 * Fuzz target for the IPL information block as the re-IPL after a dump finds it in storage: the
 * pointer and checksum in lowcore, the block's length, type, device and loadparm. Whatever the bytes,
 * {@link Ipib#find} returns a check (valid, or why not) and never throws. Inputs under
 * {@code IpibFuzzTestInputs/} are replayed by every {@code mvn verify}.
 */
class IpibFuzzTest {
    /** 64 KiB: lowcore and room for a block the fuzzer places anywhere in the input. */
    private static final long STORAGE = 64 * 1024;

    /** The input is the first bytes of storage (lowcore with the pointer and checksum, the block). */
    @FuzzTest
    void storage(byte[] data) {
        AbsoluteStorage storage = AbsoluteStorage.inMemory(STORAGE);
        storage.write(0, data, 0, (int) Math.min(data.length, STORAGE));
        Ipib.Check check = Ipib.find(storage);
        if (check.reason() == null || check.reason().isBlank()) {
            throw new AssertionError("an IPIB check without a reason");
        }
        check.ipib().ifPresent(Ipib::target);
    }
}
