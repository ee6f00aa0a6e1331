package io.sadump.campaign;

import io.sadump.dump.DumpProgressListener;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.ipl.ConsoleListener;
import io.sadump.ipl.IplLoader;
import io.sadump.ipl.KdumpKernel;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.LoadRequest;
import io.sadump.ipl.MachineLoadDevices;
import io.sadump.ipl.MebibyteDigests;
import io.sadump.ipl.ProductionReboot;
import io.sadump.ipl.VmcoreWriter;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.CpuControls;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HMC's Load task run on a production system as {@code sadump hmc DIR load DEVNO} runs it (lock,
 * storage, the IPL model with the devices of the machine directory, console lines appended to the
 * machine's console log, CPUs saved), and observed: the per-MiB digests of storage are taken at the
 * moment the dump starts, so the dump that was written can be compared with what the system held.
 *
 * <p>The HMC refuses a normal load of operating CPUs; an operator taking a dump stops them first, and
 * so does this task (the HMC's stop, {@link CpuControls#stop}, logged on the console) unless told not
 * to, in which case a running system's load is refused as on the HMC.
 *
 * <p>Options: store status (on by default, as an operator taking a dump does), and whether a valid IPIB
 * re-IPLs the production system afterwards (on by default; a campaign turns it off, which leaves the
 * machine in the dumper's disabled wait and saves rebuilding storage).
 */
public final class HmcLoad {
    private final MachineDirectory machine;
    private final DeviceNumber device;
    private boolean storeStatus = true;
    private boolean reIpl = true;
    private boolean keepConsole = true;
    private boolean fastReference;
    private boolean stopFirst = true;
    private KeptMappings storageViews;
    private KnownStorage knownStorage;
    /** Null: the machine's own ({@code machine.conf core_collector}), as {@code sadump hmc load} uses it. */
    private CoreCollector collector;

    private HmcLoad(MachineDirectory machine, DeviceNumber device) {
        this.machine = Objects.requireNonNull(machine, "machine");
        this.device = Objects.requireNonNull(device, "device");
    }

    /** A load of {@code device} on {@code system}. */
    public static HmcLoad of(ProductionSystem system, DeviceNumber device) {
        return new HmcLoad(system.machine(), device);
    }

    /** A load of {@code device} on a machine directory (without re-IPL unless it is a production system). */
    public static HmcLoad of(MachineDirectory machine, DeviceNumber device) {
        return new HmcLoad(machine, device);
    }

    /** Whether the HMC stores every CPU's status before the reset (default: yes). */
    public HmcLoad storeStatus(boolean on) {
        this.storeStatus = on;
        return this;
    }

    /** Whether a valid IPIB boots the production system again after the dump (default: yes). */
    public HmcLoad reIpl(boolean on) {
        this.reIpl = on;
        return this;
    }

    /**
     * Whether the load's console lines are appended to the machine's console log (default: yes). The
     * HMC's stop before the load ({@link #stopFirst}) logs its line in any case.
     */
    public HmcLoad keepConsole(boolean on) {
        this.keepConsole = on;
        return this;
    }

    /**
     * Whether the reference taken when the dump starts is CRC-32C per MiB ({@link MebibyteDigests.Algorithm#CRC_32C}, fast)
     * instead of SHA-256 per MiB (default).
     */
    public HmcLoad fastReference(boolean on) {
        this.fastReference = on;
        return this;
    }

    /**
     * Whether operating CPUs are stopped first, as an operator does before a load (default: yes). Off,
     * the load of a running system is refused ({@link io.sadump.machine.CpuStateException}).
     */
    public HmcLoad stopFirst(boolean on) {
        this.stopFirst = on;
        return this;
    }

    /**
     * The kdump kernel's core collector in this load (default: the machine's, {@code machine.conf
     * core_collector}). One that filters ({@code makedumpfile -c -d 31}) writes a kdump-compressed vmcore,
     * and the load then also takes a per-page reference when the dump starts
     * ({@link ObservedLoad#compareFilteredDump}).
     */
    public HmcLoad coreCollector(CoreCollector c) {
        this.collector = Objects.requireNonNull(c, "collector");
        return this;
    }

    /**
     * Has the reference be digested from a mapping of the storage file kept in {@code views} (the same bytes,
     * read where they lie), for storage small enough to map and without unreadable pages.
     */
    HmcLoad mappedStorage(KeptMappings views) {
        this.storageViews = views;
        return this;
    }

    /**
     * Has the reference digest only what storage is not known to hold ({@link KnownStorage}); with {@link
     * #mappedStorage} only.
     */
    HmcLoad knownStorage(KnownStorage known) {
        this.knownStorage = known;
        return this;
    }

    /**
     * Runs the load.
     *
     * @throws io.sadump.ipl.IplException when the device cannot be IPLed (nothing changed)
     * @throws io.sadump.machine.CpuStateException when the CPUs operate and {@link #stopFirst} is off
     */
    public ObservedLoad run() throws IOException {
        LoadRequest request = new LoadRequest(device, false, storeStatus, "");
        MebibyteDigests[] atDump = new MebibyteDigests[1];
        PageDigests[] pagesAtDump = new PageDigests[1];
        CoreCollector core = collector != null ? collector : machine.config().coreCollector();
        try (MachineLock lock = machine.lock()) {
            if (stopFirst && machine.runState().isOperating()) {
                CpuControls.stop(machine, lock);
            }
            List<String> pending = new ArrayList<>();
            FileStorage storage = machine.openStorage(lock);
            try {
                Optional<ProductionReboot> reboot = reIpl
                        ? ProductionSystem.stateOf(machine).map(state -> (ipib, console) -> {
                            flush(lock, pending);
                            storage.close();
                            ProductionSystem.open(machine).reboot(lock);
                            return machine.cpus();
                        })
                        : Optional.empty();
                IplLoader loader = new IplLoader(storage, machine.config(), machine.cpus(), machine.runState(),
                        new MachineLoadDevices(machine, lock),
                        new KdumpKernel(machine.vmcoreDir(), VmcoreWriter.of(core, DumpProgressListener.NONE),
                                Clock.systemUTC()),
                        reboot, Clock.systemUTC());
                LoadOutcome outcome = loader.load(request, new ConsoleListener() {
                    /** Whether the stand-alone dumper announced itself: the dump that starts is no vmcore. */
                    private boolean standAlone;

                    @Override
                    public void message(String line) {
                        standAlone |= line.equals(IplLoader.DUMPING);
                        pending.add(line);
                    }

                    @Override
                    public void dumpStarting(AbsoluteStorage s) {
                        ByteBuffer image = s == storage && s.unreadablePages().isEmpty() ? view(storage) : null;
                        if (core.filters() && !standAlone) {
                            // a filtered vmcore holds some pages of a MiB and not others: judged page by page,
                            // and only so (ObservedLoad.compareDump refuses it)
                            pagesAtDump[0] = image != null ? PageDigests.ofImage(image, s.writtenFrames())
                                    : PageDigests.of(s);
                            return;
                        }
                        MebibyteDigests.Algorithm algorithm = fastReference ? MebibyteDigests.Algorithm.CRC_32C
                                : MebibyteDigests.Algorithm.SHA_256;
                        atDump[0] = image == null ? MebibyteDigests.of(s, algorithm)
                                : knownStorage != null ? knownStorage.digestsOf(image, s.writtenFrames(), algorithm)
                                : MebibyteDigests.ofImage(image, s.writtenFrames(), algorithm);
                    }
                });
                machine.saveCpus(lock, outcome.cpus());
                machine.saveRunState(lock, outcome.runState());
                flush(lock, pending);
                return new ObservedLoad(machine, request, outcome, Optional.ofNullable(atDump[0]), core,
                        Optional.ofNullable(pagesAtDump[0]));
            } finally {
                storage.close();
            }
        }
    }

    /** The kept mapping of the storage file, or null when there is none to use. */
    private ByteBuffer view(FileStorage storage) {
        if (storageViews == null) {
            return null;
        }
        try {
            ByteBuffer b = storageViews.view(storage.image());
            return b != null && b.capacity() == storage.size() ? b : null;
        } catch (IOException e) {
            return null; // read as without a mapping, where a real failure is reported
        }
    }

    private void flush(MachineLock lock, List<String> pending) {
        if (keepConsole && !pending.isEmpty()) {
            machine.appendConsole(lock, List.copyOf(pending));
        }
        pending.clear();
    }
}
