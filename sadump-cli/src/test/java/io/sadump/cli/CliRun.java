package io.sadump.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the CLI in the test JVM: exit code, stdout, stderr. */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = SadumpCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(rc, out.toString(), err.toString());
    }

    String[] outLines() {
        return out.isEmpty() ? new String[0] : out.split("\n", -1);
    }

    String lastOutLine() {
        String[] l = out.strip().split("\n");
        return l[l.length - 1];
    }
}
