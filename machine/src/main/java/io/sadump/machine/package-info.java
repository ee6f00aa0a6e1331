/**
 * The simulated IBM Z system: absolute storage (a sparse {@code storage.img} whose file offset is the
 * absolute address, with the {@link io.sadump.machine.FrameRecord} of written 1 MiB frames), the CPUs and
 * their store-status save areas ({@link io.sadump.machine.CpuState}, {@link io.sadump.machine.SaveArea}),
 * the fixed lowcore and parmarea addresses ({@link io.sadump.machine.Lowcore}), devices by device
 * number ({@link io.sadump.machine.AttachedDevice}), the machine directory with its lock, and the memory
 * view that every dump format reads and writes ({@link io.sadump.machine.MemorySource}, {@link
 * io.sadump.machine.MemoryChunk}; docs/architecture.md). The addresses are documented in docs/abi.md.
 *
 * <p>May use: the JDK only. Every other module builds on this one; nothing here prints or exits.
 */
package io.sadump.machine;
