/**
 * makedumpfile's kdump-compressed ("diskdump") file and its flattened stream: the header records, the
 * writer that reproduces makedumpfile 1.7.2 byte for byte, the flattened writer and reassembly
 * ({@code makedumpfile -F}/{@code -R}), and the reader that offers such a file as a memory source
 * (reference kdump-compressed.md §1, §2). Uses {@code machine}, {@code meminfo-reader},
 * {@code io.sadump.dump}, {@code io.sadump.dump.elf} (notes) and {@code io.sadump.dump.filter} (the kept
 * pages a writer takes).
 */
package io.sadump.dump.kdump;
