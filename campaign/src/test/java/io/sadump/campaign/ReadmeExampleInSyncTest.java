package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's JUnit example is ReadmeExampleTest, verbatim, so the documented example is a test that runs. */
class ReadmeExampleInSyncTest {
    @Test
    void theReadmeShowsReadmeExampleTestVerbatim() throws IOException {
        Path readme = Path.of("..", "README.md");
        Path test = Path.of("src/test/java/io/sadump/campaign/ReadmeExampleTest.java");
        String source = Files.readString(test, StandardCharsets.UTF_8).strip();
        assertThat(Files.readString(readme, StandardCharsets.UTF_8)).contains("```java\n" + source + "\n```");
    }
}
