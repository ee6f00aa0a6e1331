/**
 * AssertJ assertions for tests of the dump path: {@code assertThat(observedLoad)} ({@link
 * io.sadump.campaign.assertions.LoadAssert}) through the entry point {@link
 * io.sadump.campaign.assertions.SadumpAssertions}.
 *
 * <p>May use: {@code io.sadump.campaign}, {@code io.sadump.ipl}, {@code io.sadump.meminfo} and AssertJ
 * (an optional dependency).
 */
package io.sadump.campaign.assertions;
