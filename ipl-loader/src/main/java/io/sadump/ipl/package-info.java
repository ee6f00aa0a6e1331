/**
 * IPL and the kdump path (docs/architecture.md §6, docs/abi.md §9, docs/formats.md §7).
 *
 * <ul>
 *   <li>{@link io.sadump.ipl.IplLoader}: the HMC's Load of a device ({@link io.sadump.ipl.LoadRequest}:
 *       clear or normal reset, store status), PSW restart and panic in the first kernel; each ends in
 *       the kdump verdict and returns a {@link io.sadump.ipl.LoadOutcome}. Console lines are events
 *       ({@link io.sadump.ipl.ConsoleListener}); nothing is printed. The loader enforces the HMC's
 *       rule on the machine's {@link io.sadump.machine.RunState}: a normal load of operating CPUs is
 *       refused; {@link io.sadump.ipl.LoadOutcome#runState()} is the state the task leaves.
 *   <li>{@link io.sadump.ipl.VolumeMount}: the operator mounts another tape or disk volume on a device.
 *   <li>Devices as the IPL sees them ({@link io.sadump.ipl.LoadDevice}): {@link io.sadump.ipl.EckdLoadDevice}
 *       (XECKD64 single-volume s390_ext with zlib, XMULT64 over the volume table) and
 *       {@link io.sadump.ipl.TapeLoadDevice} (classic s390 dump after the tool file);
 *       {@link io.sadump.ipl.MachineLoadDevices} opens them from a machine directory.
 *   <li>Pass: {@link io.sadump.ipl.CrashkernelSwap} (streamed), OLDMEM_BASE/SIZE, and the
 *       {@link io.sadump.ipl.KdumpKernel}, which reads old memory through the crashkernel
 *       swap mapping ({@link io.sadump.machine.CrashkernelRange#oldMemoryMappings}) and
 *       {@link io.sadump.ipl.OldMemoryFacts} and writes the ELF
 *       vmcore ({@link io.sadump.ipl.ElfVmcoreWriter}).
 *   <li>After the dump: re-IPL through a valid {@link io.sadump.ipl.Ipib} by a
 *       {@link io.sadump.ipl.ProductionReboot} the caller supplies, else a disabled wait with the code.
 *   <li>{@link io.sadump.ipl.MebibyteDigests}: per-MiB SHA-256 of storage at dump time, to check a dump
 *       read back (the readers read a DASD dump partition through the driver's
 *       {@link io.sadump.device.ckd.EckdExtent} itself).
 * </ul>
 *
 * <p>May use: {@code io.sadump.machine}, {@code io.sadump.meminfo} (the verdict), {@code io.sadump.device}
 * (the load device's driver) and {@code io.sadump.dump} (the writers); never {@code io.sadump.archive}.
 */
package io.sadump.ipl;
