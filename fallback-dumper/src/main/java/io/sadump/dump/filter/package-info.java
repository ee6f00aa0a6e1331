/**
 * makedumpfile's dump levels: which page frames a filtered dump keeps, decided from the dumped
 * kernel's page descriptors found through its VMCOREINFO ({@code mem_section}, the s390x page tables,
 * struct pages), with the per-class counts and makedumpfile's report (docs/filtering.md). Uses {@code
 * machine} and {@code meminfo-reader}.
 */
package io.sadump.dump.filter;
