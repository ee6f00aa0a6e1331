package io.sadump.machine;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only mapping of part of a file that can be unmapped at once, rather than when the GC
 * finds the buffer. Java 17 has no public call for that: from Java 22 on, the file is mapped into
 * a shared arena of the foreign memory API and the arena is closed; before, {@code
 * sun.misc.Unsafe.invokeCleaner} unmaps the buffer (module jdk.unsupported; newer JDKs warn about
 * it). Both are looked up once by reflection, as this code is compiled for Java 17; where neither
 * works, the mapping stays until the buffer is collected, which is correct, only later.
 */
public final class MappedWindow implements AutoCloseable {
    private static final Method OF_SHARED;
    private static final Method MAP_INTO;
    private static final Method AS_BYTE_BUFFER;
    private static final Method CLOSE;
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Method ofShared = null;
        Method mapInto = null;
        Method asByteBuffer = null;
        Method close = null;
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            if (Runtime.version().feature() >= 22) {
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                ofShared = arena.getMethod("ofShared");
                mapInto = FileChannel.class.getMethod("map", FileChannel.MapMode.class, long.class, long.class,
                        arena);
                asByteBuffer = Class.forName("java.lang.foreign.MemorySegment").getMethod("asByteBuffer");
                close = arena.getMethod("close");
            } else {
                Class<?> c = Class.forName("sun.misc.Unsafe");
                Field f = c.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = f.get(null);
                invokeCleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            ofShared = null;
            unsafe = null;
            invokeCleaner = null;
        }
        OF_SHARED = ofShared;
        MAP_INTO = mapInto;
        AS_BYTE_BUFFER = asByteBuffer;
        CLOSE = close;
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private final ByteBuffer bytes;
    /** The arena holding the mapping (Java 22 on), or null. */
    private final Object arena;

    private MappedWindow(ByteBuffer bytes, Object arena) {
        this.bytes = bytes;
        this.arena = arena;
    }

    /**
     * Maps {@code [from, from + length)} of {@code channel} read-only; the range must lie inside the file
     * (a read-only mapping cannot extend it).
     */
    public static MappedWindow map(FileChannel channel, long from, long length) throws IOException {
        if (OF_SHARED != null) {
            Object arena;
            try {
                arena = OF_SHARED.invoke(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                arena = null;
            }
            if (arena != null) {
                try {
                    Object segment = MAP_INTO.invoke(channel, FileChannel.MapMode.READ_ONLY, from, length, arena);
                    return new MappedWindow((ByteBuffer) AS_BYTE_BUFFER.invoke(segment), arena);
                } catch (InvocationTargetException e) {
                    closeQuietly(arena);
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    // anything else: map the plain way below
                } catch (ReflectiveOperationException | RuntimeException e) {
                    closeQuietly(arena);
                }
            }
        }
        return new MappedWindow(channel.map(FileChannel.MapMode.READ_ONLY, from, length), null);
    }

    /**
     * The mapped bytes. Reading them after the file was cut short below them raises {@link InternalError}
     * in Java code (the JVM turns the SIGBUS into it); native code given these bytes would crash the JVM
     * instead, so only Java code may read them. Any thread may read them (from Java 22 on the arena is a
     * shared one: an archive copies a window on a thread other than the one that mapped it).
     */
    public ByteBuffer bytes() {
        return bytes;
    }

    /** Unmaps the window; its buffer and every slice of it must not be used any more. */
    public void unmap() {
        if (arena != null) {
            closeQuietly(arena);
        } else if (INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, bytes);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the GC
            }
        }
    }

    /** {@link #unmap()}. */
    @Override
    public void close() {
        unmap();
    }

    private static void closeQuietly(Object arena) {
        try {
            CLOSE.invoke(arena);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the GC
        }
    }
}
