package io.sadump.hmc.web;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.sadump.hmc.MachineBusyException;
import io.sadump.hmc.security.NotPermittedException;
import io.sadump.hmc.security.ObjectNotFoundException;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLockedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a refusal or a failure reaches the browser: the status an HTTP client expects and one line the
 * operator understands, as JSON {@code {"status": 409, "message": "busy: load by alice since ..."}}.
 * Never a stack trace: an unexpected error is logged on the server and the browser is told only that.
 */
final class WebErrors {
    private static final Logger LOG = Logger.getLogger(WebErrors.class.getName());

    /** The browser is not logged on (no session, or it ended). */
    static final class NotLoggedOn extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotLoggedOn(String message) {
            super(message);
        }
    }

    /** The request is refused before it reaches a task: a missing CSRF token, a wrong password. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private WebErrors() {}

    static void handle(Exception e, Context ctx) {
        int status;
        String message = e.getMessage();
        if (e instanceof NotLoggedOn) {
            status = 401;
        } else if (e instanceof Refused || e instanceof NotPermittedException) {
            status = 403;
        } else if (e instanceof ObjectNotFoundException) {
            status = 404;
        } else if (e instanceof MachineBusyException || e instanceof MachineLockedException
                || e instanceof CpuStateException) {
            status = 409;
        } else if (e instanceof InvalidValueException) {
            status = 400;
        } else if (e instanceof HttpResponseException h) {
            status = h.getStatus();
        } else if (e instanceof MachineException) {
            status = 409;
        } else if (e instanceof io.sadump.dump.IncompleteDumpException) {
            status = 409; // the dump is as it is: a cut-short dump cannot be archived
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            status = 500;
            message = "I/O error: " + e.getMessage();
        } else {
            LOG.log(Level.WARNING, "internal error on " + ctx.method() + " " + ctx.path(), e);
            status = 500;
            message = "internal error in sadump (see the server's log)";
        }
        send(ctx, status, message);
    }

    static void send(Context ctx, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("message", message == null ? "" : message);
        ctx.status(status).contentType("application/json").result(WebJson.text(body));
    }
}
