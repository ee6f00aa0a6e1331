package io.sadump.hmc.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A request body checked as the WSAPI checks one (book: "Common request validation reason codes"):
 * a JSON object whose fields are all listed for the operation (else 400.6), each of the documented type
 * (else 400.7); a required body that is absent is 400.3, a body sent to an operation that takes none
 * 400.4, a required field missing 400.5.
 */
final class RequestBody {
    private final ObjectNode fields;

    private RequestBody(ObjectNode fields) {
        this.fields = fields;
    }

    /** An operation that takes no body (zhmcclient sends none for stop, start, psw-restart). */
    static void none(String text) {
        if (text != null && !text.isBlank()) {
            throw ApiError.badRequest(ApiError.BODY_NOT_EXPECTED, "this operation takes no request body");
        }
    }

    /**
     * Parses {@code text}; an absent body is an empty object unless {@code required}.
     *
     * @param allowed the fields the operation knows
     */
    static RequestBody parse(ObjectMapper json, String text, boolean required, Set<String> allowed) {
        if (text == null || text.isBlank()) {
            if (required) {
                throw ApiError.badRequest(ApiError.BODY_MISSING, "this operation needs a request body (a JSON object)");
            }
            return new RequestBody(JsonNodeFactory.instance.objectNode());
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(ApiError.FIELD_INVALID, "the request body is not JSON: "
                    + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw ApiError.badRequest(ApiError.FIELD_INVALID, "the request body is not a JSON object");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiError.badRequest(ApiError.FIELD_UNKNOWN, "unknown field '" + f + "' in the request body; "
                        + "this operation takes " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return new RequestBody(o);
    }

    /** A string field, absent or null = empty. */
    Optional<String> string(String name) {
        JsonNode n = fields.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiError.badRequest(ApiError.FIELD_INVALID, "field '" + name + "' must be a string");
        }
        return Optional.of(n.textValue());
    }

    /** A required string field. */
    String requiredString(String name) {
        if (!fields.has(name)) {
            throw ApiError.badRequest(ApiError.FIELD_MISSING, "the request body needs the field '" + name + "'");
        }
        return string(name).orElseThrow(() -> ApiError.badRequest(ApiError.FIELD_INVALID,
                "field '" + name + "' must be a string"));
    }

    /** A boolean field, {@code otherwise} when absent. */
    boolean bool(String name, boolean otherwise) {
        JsonNode n = fields.get(name);
        if (n == null) {
            return otherwise;
        }
        if (!n.isBoolean()) {
            throw ApiError.badRequest(ApiError.FIELD_INVALID, "field '" + name + "' must be true or false");
        }
        return n.booleanValue();
    }

    /** An integer field in {@code [min, max]}, empty when absent. */
    OptionalInt integer(String name, int min, int max) {
        JsonNode n = fields.get(name);
        if (n == null) {
            return OptionalInt.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw ApiError.badRequest(ApiError.FIELD_INVALID, "field '" + name + "' must be an integer from "
                    + min + " to " + max);
        }
        return OptionalInt.of(n.intValue());
    }
}
