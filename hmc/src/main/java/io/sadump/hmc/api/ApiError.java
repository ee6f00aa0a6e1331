package io.sadump.hmc.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API answers with the WSAPI error body: an HTTP status, the book's reason code within
 * it, and a message for the operator. The codes are the book's "Common request validation reason
 * codes" and the ones zhmcclient's {@code _session.py} ({@code Session.get/post/delete}) acts on:
 * 403.4/403.5 make it log on again, 403.1 is a permission error, 409.1/409.2 are retried when the
 * caller asks for busy retries.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** 400.1: a query parameter the operation does not know. */
    public static final int BAD_QUERY_PARAMETER = 1;
    /** 400.3: a required request body is missing. */
    public static final int BODY_MISSING = 3;
    /** 400.4: a request body where none is expected. */
    public static final int BODY_NOT_EXPECTED = 4;
    /** 400.5: a required body field is missing. */
    public static final int FIELD_MISSING = 5;
    /** 400.6: a body field the operation does not know. */
    public static final int FIELD_UNKNOWN = 6;
    /** 400.7: a field of the wrong type or out of its range (also: the body is not a JSON object). */
    public static final int FIELD_INVALID = 7;
    /** 403.0: logon refused (wrong user or password, locked out: the answer does not say which). */
    public static final int LOGON_REFUSED = 0;
    /** 403.1: the user's role does not include the task. */
    public static final int TASK_NOT_PERMITTED = 1;
    /** 403.4: no {@code X-API-Session} header. */
    public static final int SESSION_MISSING = 4;
    /** 403.5: the session header names no live API session. */
    public static final int SESSION_INVALID = 5;
    /** 404.1: no such object, or one the user may not see. */
    public static final int NOT_FOUND = 1;
    /** 409.1: the object is not in a state the operation accepts. */
    public static final int WRONG_STATE = 1;
    /** 409.2: the object is busy with another operation. */
    public static final int BUSY = 2;
    /** 409.40: a job that has not ended cannot be deleted (zhmcclient {@code Job.delete}). */
    public static final int JOB_NOT_ENDED = 40;
    /** 500.0: the operation failed inside (an I/O error on a device image, say). */
    public static final int INTERNAL = 0;

    private final int status;
    private final int reason;

    public ApiError(int status, int reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public int reason() {
        return reason;
    }

    public static ApiError badRequest(int reason, String message) {
        return new ApiError(400, reason, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, NOT_FOUND, message);
    }

    public static ApiError wrongState(String message) {
        return new ApiError(409, WRONG_STATE, message);
    }

    /**
     * The WSAPI error body ({@code http-status}, {@code reason}, {@code message}, {@code request-method},
     * {@code request-uri}), as zhmcclient's {@code HTTPError} reads it.
     */
    public Map<String, Object> body(String method, String uri) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("http-status", status);
        b.put("reason", reason);
        b.put("message", getMessage());
        b.put("request-method", method);
        b.put("request-uri", uri);
        return b;
    }
}
