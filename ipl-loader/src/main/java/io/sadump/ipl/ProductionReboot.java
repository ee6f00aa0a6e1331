package io.sadump.ipl;

import io.sadump.machine.CpuState;
import java.io.IOException;
import java.util.List;

/**
 * The production system coming back after a dump: the re-IPL through a valid IPIB boots the first
 * kernel again, which rebuilds its storage and, as a kdump service does, loads the kdump kernel again.
 * The IPL model does not know how a production system boots; whoever owns the system supplies this.
 */
@FunctionalInterface
public interface ProductionReboot {
    /**
     * Boots the production system from {@code ipib}'s target.
     *
     * @param console where the boot's messages go
     * @return the CPUs of the running system
     */
    List<CpuState> reboot(Ipib ipib, ConsoleListener console) throws IOException;
}
