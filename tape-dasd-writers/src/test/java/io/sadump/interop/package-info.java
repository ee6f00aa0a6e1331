/**
 * The real tools no one here wrote, for the interop tests of every module: {@link
 * io.sadump.interop.InteropTools} finds and runs them (a missing tool fails the test under {@code
 * -Dsadump.interop=required} and skips it otherwise), {@link io.sadump.interop.HerculesChecks} holds the
 * Hercules validation recipes for CKD and AWS images and a headless IPL.
 *
 * <p>Shared as the test-jar of tape-dasd-writers, the lowest module whose tests run real tools (the
 * modules above use it in test scope; test-fixtures cannot serve tape-dasd-writers, which it depends
 * on). May use: the JDK, JUnit Jupiter and AssertJ only.
 */
package io.sadump.interop;
