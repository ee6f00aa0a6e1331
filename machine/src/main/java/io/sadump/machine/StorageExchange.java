package io.sadump.machine;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The exchange of two disjoint storage ranges of equal length (the crashkernel swap), chunk by chunk,
 * and its undo from a journal that holds only ONE side of each chunk.
 *
 * <p>For each chunk the plan names the saved side S and the other side O, with their old contents s
 * and o. The exchange writes S := o first, then O := s. Until both writes are complete, every byte of
 * the chunk is in one of these states (per byte, since a kill may cut a write anywhere):
 * <ul>
 *   <li>S[i] = s[i] (S not yet written there): O[i] = o[i], O is written only after S is complete;
 *   <li>S[i] = o[i] != s[i] (S written there): O[i] is o[i] or s[i].
 * </ul>
 * So the undo, knowing s, is: wherever S[i] differs from s[i], O[i] := S[i] (that is o[i]); then S :=
 * s. Where S[i] = s[i] and s[i] != o[i], S was not written there, so O[i] is still o[i]; where s[i] =
 * o[i], either value is right. The undo is idempotent: its first write only copies S's bytes that
 * differ from s into O, and S is restored only after that is complete, so an undo cut short by a kill
 * and run again finds the same bytes to copy, or none.
 *
 * <p>A side whose frames were never written is zero and needs no saved bytes, so the side saved is
 * the one never written when there is one: the kdump kernel's crashkernel area is mostly empty, and
 * its swap then journals almost nothing. When both sides hold data, the second range's bytes are saved.
 */
final class StorageExchange {
    /** The unit: a frame (a chunk is a frame when both ranges are frame aligned, as a crashkernel is). */
    static final int CHUNK = (int) FrameRecord.FRAME_SIZE;

    private final long first;
    private final long second;
    private final long length;
    /** Chunks with data on neither side: nothing moves. */
    private final BitSet skipped = new BitSet();
    /** Chunks whose saved side is the first range (otherwise the second). */
    private final BitSet savesFirst = new BitSet();

    private StorageExchange(long first, long second, long length) {
        this.first = first;
        this.second = second;
        this.length = length;
    }

    /**
     * Plans the exchange of {@code [first, first+length)} with {@code [second, second+length)} from the
     * frame record as it is now (the record may change while the exchange runs: chunks of unaligned
     * ranges share frames, so the decisions are taken once, here).
     */
    static StorageExchange plan(AbsoluteStorage storage, long first, long second, long length) {
        storage.checkRange(first, length);
        storage.checkRange(second, length);
        if (first < second ? second - first < length : first - second < length) {
            throw new IllegalArgumentException(String.format(
                    "the ranges [0x%X, +0x%X) and [0x%X, +0x%X) overlap: cannot exchange them", first, length,
                    second, length));
        }
        StorageExchange x = new StorageExchange(first, second, length);
        for (int c = 0; c < x.chunks(); c++) {
            long off = x.offset(c);
            int n = x.size(c);
            boolean firstWritten = storage.anyWritten(first + off, n);
            boolean secondWritten = storage.anyWritten(second + off, n);
            if (!firstWritten && !secondWritten) {
                x.skipped.set(c);
            } else if (!firstWritten) {
                x.savesFirst.set(c);
            }
        }
        return x;
    }

    int chunks() {
        return (int) ((length + CHUNK - 1) / CHUNK);
    }

    long offset(int chunk) {
        return (long) chunk * CHUNK;
    }

    int size(int chunk) {
        return (int) Math.min(CHUNK, length - offset(chunk));
    }

    boolean skipped(int chunk) {
        return skipped.get(chunk);
    }

    /** Where the chunk's saved side S starts. */
    long saved(int chunk) {
        return (savesFirst.get(chunk) ? first : second) + offset(chunk);
    }

    /** Where the chunk's other side O starts. */
    long other(int chunk) {
        return (savesFirst.get(chunk) ? second : first) + offset(chunk);
    }

    long first() {
        return first;
    }

    long second() {
        return second;
    }

    long length() {
        return length;
    }

    /**
     * The saved side's bytes of {@code chunk} as the journal keeps them: null when they are all zero
     * (a side never written, or written with zeros).
     */
    byte[] savedBytes(AbsoluteStorage storage, int chunk) {
        long s = saved(chunk);
        int n = size(chunk);
        if (!storage.anyWritten(s, n)) {
            return null;
        }
        byte[] b = new byte[n];
        storage.readRaw(s, b, 0, n);
        return AbsoluteStorage.isZero(b, n) ? null : b;
    }

    /** Runs the exchange: per chunk S := o, then O := s (the order the undo relies on). */
    void run(AbsoluteStorage storage) {
        byte[] s = new byte[(int) Math.min(CHUNK, length)];
        byte[] o = new byte[s.length];
        for (int c = 0; c < chunks(); c++) {
            if (skipped(c)) {
                continue;
            }
            int n = size(c);
            boolean sZero = !read(storage, saved(c), s, n);
            boolean oZero = !read(storage, other(c), o, n);
            put(storage, saved(c), o, n, oZero);
            put(storage, other(c), s, n, sZero);
        }
    }

    /** Reads {@code n} bytes unless the frames were never written; false when they are all zero. */
    private static boolean read(AbsoluteStorage storage, long address, byte[] into, int n) {
        if (!storage.anyWritten(address, n)) {
            return false;
        }
        storage.read(address, into, 0, n);
        return !AbsoluteStorage.isZero(into, n);
    }

    /** Zeros go in by zeroing, which leaves frames never written alone (and out of the frame record). */
    private static void put(AbsoluteStorage storage, long address, byte[] data, int n, boolean zero) {
        if (zero) {
            storage.zero(address, n);
        } else {
            storage.write(address, data, 0, n);
        }
    }

    /**
     * Undoes one journaled chunk whatever part of it was done (see the class comment): {@code savedAt}
     * is S, {@code otherAt} is O, {@code s} S's old bytes (null: zeros); {@code between} runs after O
     * is written and before S is (tests cut the undo short there).
     *
     * @return the sides written back (0 when the chunk was untouched or its sides were equal)
     */
    static int undo(AbsoluteStorage storage, long savedAt, long otherAt, int n, byte[] s, Runnable between) {
        byte[] sNow = storage.bytes(savedAt, n);
        byte[] old = s != null ? s : new byte[n];
        if (Arrays.equals(sNow, old)) {
            return 0; // S untouched, so O is too
        }
        int written = 0;
        byte[] oNow = storage.bytes(otherAt, n);
        byte[] oOld = oNow.clone();
        for (int i = 0; i < n; i++) {
            if (sNow[i] != old[i]) {
                oOld[i] = sNow[i];
            }
        }
        if (!Arrays.equals(oOld, oNow)) {
            put(storage, otherAt, oOld, n, AbsoluteStorage.isZero(oOld, n));
            written++;
        }
        between.run();
        put(storage, savedAt, old, n, s == null);
        return written + 1;
    }
}
