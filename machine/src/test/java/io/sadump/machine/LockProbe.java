package io.sadump.machine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A tiny program that MachineDirectoryTest starts in a separate JVM to try the machine lock from
 * another process. {@code try DIR}: lock and release at once. {@code hold DIR}: lock, say so, and hold
 * it until a line arrives on stdin. Prints {@code LOCKED}, {@code HOLDING} or {@code REFUSED message}.
 */
public final class LockProbe {
    private LockProbe() {}

    public static void main(String[] args) throws Exception {
        MachineDirectory machine = MachineDirectory.open(Path.of(args[1]));
        MachineLock lock;
        try {
            lock = machine.lock();
        } catch (MachineLockedException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        if (args[0].equals("hold")) {
            System.out.println("HOLDING");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } else {
            System.out.println("LOCKED");
        }
        lock.close();
    }
}
