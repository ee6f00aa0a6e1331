/**
 * The HMC tasks on a machine directory, shared by every console: the one-shot CLI, the JLine console, the
 * web console and the Web Services API.
 */
package io.sadump.hmc;
