package io.sadump.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer for the {@code --json} outputs (RFC 8259): objects and arrays,
 * strings escaped, two-space indentation. Misuse (a value without a name inside an object) is a bug
 * and fails with {@link IllegalStateException}.
 */
final class JsonWriter {
    private enum Scope { OBJECT, ARRAY }

    private final PrintWriter out;
    private final Deque<Scope> scopes = new ArrayDeque<>();
    private final Deque<Boolean> empty = new ArrayDeque<>();
    private boolean nameWritten;

    JsonWriter(PrintWriter out) {
        this.out = out;
    }

    JsonWriter beginObject() {
        beforeValue();
        out.print('{');
        scopes.push(Scope.OBJECT);
        empty.push(true);
        return this;
    }

    JsonWriter endObject() {
        return end(Scope.OBJECT, '}');
    }

    JsonWriter beginArray() {
        beforeValue();
        out.print('[');
        scopes.push(Scope.ARRAY);
        empty.push(true);
        return this;
    }

    JsonWriter endArray() {
        return end(Scope.ARRAY, ']');
    }

    JsonWriter name(String name) {
        if (scopes.peek() != Scope.OBJECT || nameWritten) {
            throw new IllegalStateException("a name belongs directly inside an object");
        }
        separate();
        out.print(quote(name));
        out.print(": ");
        nameWritten = true;
        return this;
    }

    JsonWriter value(String s) {
        beforeValue();
        out.print(s == null ? "null" : quote(s));
        return this;
    }

    JsonWriter value(long n) {
        beforeValue();
        out.print(n);
        return this;
    }

    JsonWriter value(boolean b) {
        beforeValue();
        out.print(b);
        return this;
    }

    /** A finite number with up to 3 decimals (RFC 8259 has no NaN or infinity). */
    JsonWriter value(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        beforeValue();
        out.print(java.math.BigDecimal.valueOf(d).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString());
        return this;
    }

    JsonWriter nullValue() {
        beforeValue();
        out.print("null");
        return this;
    }

    /** Shorthands for a named member. */
    JsonWriter field(String name, String s) {
        return name(name).value(s);
    }

    JsonWriter field(String name, long n) {
        return name(name).value(n);
    }

    JsonWriter field(String name, boolean b) {
        return name(name).value(b);
    }

    /** Ends the document with a newline and flushes. */
    void finish() {
        if (!scopes.isEmpty()) {
            throw new IllegalStateException("unclosed JSON " + scopes.peek());
        }
        out.println();
        out.flush();
    }

    private JsonWriter end(Scope scope, char close) {
        if (scopes.peek() != scope || nameWritten) {
            throw new IllegalStateException("no open " + scope + " to close");
        }
        scopes.pop();
        boolean wasEmpty = empty.pop();
        if (!wasEmpty) {
            newline();
        }
        out.print(close);
        return this;
    }

    private void beforeValue() {
        if (scopes.isEmpty()) {
            return;
        }
        if (scopes.peek() == Scope.OBJECT) {
            if (!nameWritten) {
                throw new IllegalStateException("a value inside an object needs a name");
            }
            nameWritten = false;
        } else {
            separate();
        }
    }

    private void separate() {
        if (!empty.peek()) {
            out.print(',');
        }
        empty.pop();
        empty.push(false);
        newline();
    }

    private void newline() {
        out.println();
        for (int i = 0; i < scopes.size(); i++) {
            out.print("  ");
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
