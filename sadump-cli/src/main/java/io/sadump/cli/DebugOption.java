package io.sadump.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --debug}, accepted by every command (picocli's inherited scope), so it can be added anywhere
 * on a command line that just failed. {@link UserErrorHandler} reads it from the parse result.
 */
final class DebugOption {
    @Option(names = UserErrorHandler.DEBUG_OPTION, scope = ScopeType.INHERIT,
            description = "On an error, also print its Java stack trace (as " + UserErrorHandler.DEBUG_VARIABLE
                    + "=1 does).")
    boolean debug;
}
