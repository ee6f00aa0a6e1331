package io.sadump.machine;

import java.nio.file.Path;

/** The two backings of {@link AbsoluteStorage}, so one test runs against both. */
enum StorageBacking {
    MEMORY {
        @Override
        AbsoluteStorage create(Path dir, long size) {
            return AbsoluteStorage.inMemory(size);
        }
    },
    FILE {
        @Override
        AbsoluteStorage create(Path dir, long size) {
            return FileStorage.create(dir.resolve(MachineDirectory.STORAGE), dir.resolve(MachineDirectory.FRAMES),
                    size);
        }
    };

    abstract AbsoluteStorage create(Path dir, long size);
}
