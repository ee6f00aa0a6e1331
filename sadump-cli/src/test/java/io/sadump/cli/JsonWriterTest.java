package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void nestedStructuresAndEscapes() {
        StringWriter sw = new StringWriter();
        JsonWriter j = new JsonWriter(new PrintWriter(sw));
        String nasty = "quote\" backslash\\ newline\n tab\t bell\u0007 unicode\u00e9";
        j.beginObject().field("s", nasty).field("n", -5).field("b", false).name("none").nullValue()
                .name("empty").beginArray().endArray()
                .name("list").beginArray().value(1).value("x").beginObject().endObject().endArray()
                .endObject().finish();
        Map<String, Object> m = MiniJson.object(MiniJson.parse(sw.toString()));
        assertThat(m.get("s")).isEqualTo(nasty);
        assertThat(m.get("n")).isEqualTo(-5L);
        assertThat(m.get("b")).isEqualTo(false);
        assertThat(m).containsEntry("none", null);
        assertThat(MiniJson.array(m.get("empty"))).isEmpty();
        assertThat(MiniJson.array(m.get("list"))).containsExactly(1L, "x", Map.of());
        assertThat(sw.toString()).contains("\\u0007").doesNotContain("\u0007");
        assertThat(List.of(sw.toString().split("\n"))).hasSizeGreaterThan(5);
    }

    @Test
    void misuseIsABug() {
        JsonWriter j = new JsonWriter(new PrintWriter(new StringWriter()));
        j.beginObject();
        assertThatThrownBy(() -> j.value(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(j::endArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(j::finish).isInstanceOf(IllegalStateException.class);
    }
}
