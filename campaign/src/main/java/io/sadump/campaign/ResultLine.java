package io.sadump.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.InvalidValueException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One finished scenario as one line of JSON: the line a results file holds and the answer a cluster worker
 * sends back, so both carry exactly the same facts. The scenario itself is named by its index (and its ID, as
 * a check): the campaign's seed draws it again. Console messages are kept only for unexpected scenarios, the
 * only ones a report shows them for, so a results file of millions of scenarios stays small.
 */
public final class ResultLine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private ResultLine() {}

    /** The line, without its newline. */
    public static String encode(FinishedScenario f) {
        ScenarioResult r = f.result();
        Placement p = f.placement();
        ObjectNode o = JSON.createObjectNode();
        o.put("index", r.scenario().index());
        o.put("id", r.scenario().id());
        o.put("outcome", r.outcome());
        o.put("verdict_code", r.verdictCode());
        o.put("fell_back", r.fellBack());
        ArrayNode problems = o.putArray("problems");
        r.problems().forEach(problems::add);
        if (r.injection().isPresent()) {
            InjectionReport i = r.injection().get();
            ObjectNode in = o.putObject("injection");
            in.put("description", i.description());
            ArrayNode changes = in.putArray("changes");
            for (ByteChange c : i.changes()) {
                changes.addObject().put("address", c.address()).put("before", c.beforeHex()).put("after", c.afterHex());
            }
        } else {
            o.putNull("injection");
        }
        ArrayNode messages = o.putArray("messages");
        if (!r.expected()) {
            r.messages().forEach(messages::add);
        }
        o.put("duration_ms", r.duration().toMillis());
        o.put("worker", p.worker());
        o.put("host", p.host());
        o.put("pid", p.pid());
        o.put("attempt", p.attempt());
        return o.toString();
    }

    /**
     * The finished scenario a line names, scenario {@code index} of {@code campaign}.
     *
     * @throws InvalidValueException when the line is not one this class wrote, or names another scenario
     */
    public static FinishedScenario decode(String line, Campaign campaign) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("not a scenario result (" + e.getOriginalMessage() + ")");
        }
        if (o == null || !o.isObject()) {
            throw new InvalidValueException("not a scenario result (not a JSON object)");
        }
        int index = required(o, "index").asInt(-1);
        if (index < 0) {
            throw new InvalidValueException("not a scenario result (no index)");
        }
        Scenario s = Scenario.draw(campaign.seed(), index, campaign.kinds(), campaign.storageSize());
        String id = required(o, "id").asText();
        if (!id.equals(s.id())) {
            throw new InvalidValueException("it names scenario " + index + " as " + id + ", but this campaign's "
                    + "scenario " + index + " is " + s.id());
        }
        Optional<InjectionReport> injection = Optional.empty();
        JsonNode in = o.get("injection");
        if (in != null && in.isObject()) {
            List<ByteChange> changes = new ArrayList<>();
            for (JsonNode c : required(in, "changes")) {
                changes.add(new ByteChange(required(c, "address").asLong(), HEX.parseHex(required(c, "before").asText()),
                        HEX.parseHex(required(c, "after").asText())));
            }
            injection = Optional.of(new InjectionReport(s.kind(), s.seed(), required(in, "description").asText(),
                    changes));
        }
        ScenarioResult r = new ScenarioResult(s, injection, required(o, "outcome").asText(),
                required(o, "verdict_code").asInt(), required(o, "fell_back").asBoolean(), texts(o, "problems"),
                texts(o, "messages"), Duration.ofMillis(required(o, "duration_ms").asLong()));
        Placement p = new Placement(required(o, "worker").asText(), required(o, "host").asText(),
                required(o, "pid").asLong(), Math.max(1, required(o, "attempt").asInt()), false);
        return new FinishedScenario(r, p);
    }

    private static JsonNode required(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidValueException("not a scenario result (no " + field + ")");
        }
        return v;
    }

    private static List<String> texts(JsonNode o, String field) {
        List<String> list = new ArrayList<>();
        JsonNode a = required(o, field);
        if (!a.isArray()) {
            throw new InvalidValueException("not a scenario result (" + field + " is not a list)");
        }
        a.forEach(n -> list.add(n.asText()));
        return list;
    }
}
