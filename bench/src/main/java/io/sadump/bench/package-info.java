/**
 * JMH micro benchmarks of sadump's hot loops: the meminfo CKSM, a kexec segment's SHA-256 read from
 * file-backed storage, CKD track encoding and DASD block writes, AWSTAPE chunk writing, and the s390_ext
 * writer's zlib frames. Each goes through the public API of the module that owns the loop and may use
 * every library module; nothing in the product depends on this package (it is built only with the
 * Maven profile {@code bench}).
 */
package io.sadump.bench;
