/**
 * makedumpfile's dump levels: which page frames a filtered dump keeps, decided from the dumped
 * kernel's page descriptors found through its VMCOREINFO. Uses {@code machine} and
 * {@code meminfo-reader}.
 */
package io.sadump.dump.filter;
