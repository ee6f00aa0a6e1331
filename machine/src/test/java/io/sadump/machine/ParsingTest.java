package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DeviceNumber, Sizes and CrashkernelRange: the words an operator types. */
class ParsingTest {
    @ParameterizedTest
    @CsvSource({
        "0.0.0190, 0, 0, 0x190, 0.0.0190",
        "190, 0, 0, 0x190, 0.0.0190",
        "0x190, 0, 0, 0x190, 0.0.0190",
        "0X0190, 0, 0, 0x190, 0.0.0190",
        "'  0.0.0190 ', 0, 0, 0x190, 0.0.0190",
        "0.1.ABCD, 0, 1, 0xabcd, 0.1.abcd",
        "fe.3.ffff, 0xfe, 3, 0xffff, fe.3.ffff",
        "0.0.1, 0, 0, 1, 0.0.0001",
        "0, 0, 0, 0, 0.0.0000",
    })
    void deviceNumbersParse(String text, String css, int ssid, String devno, String canonical) {
        DeviceNumber n = DeviceNumber.parse(text);
        assertThat(n.css()).isEqualTo(Integer.decode(css));
        assertThat(n.ssid()).isEqualTo(ssid);
        assertThat(n.devno()).isEqualTo(Integer.decode(devno));
        assertThat(n.toString()).isEqualTo(canonical);
        assertThat(DeviceNumber.parse(n.toString())).isEqualTo(n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0x", "12345", "0.0.12345", "0.4.0190", "100.0.0190", "g", "0.0", "0.0.0.190",
        "-1", "+190", "0.0.+190", "0.-0.0190", "0x-190", "0.0.", ".0.0190", "0.0.019g", "1 90", "\u0661\u0669\u0660"})
    void badDeviceNumbersAreRefusedNamingTheText(String text) {
        assertThatThrownBy(() -> DeviceNumber.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageContaining("0.0.0190");
    }

    @Test
    void deviceNumbersOrderByCssThenSsidThenDevno() {
        List<DeviceNumber> sorted = new ArrayList<>(List.of(DeviceNumber.parse("1.0.0000"),
                DeviceNumber.parse("0.1.0000"), DeviceNumber.parse("0.0.ffff"), DeviceNumber.parse("0.0.0190")));
        Collections.shuffle(sorted, new java.util.Random(1));
        Collections.sort(sorted);
        assertThat(sorted).extracting(DeviceNumber::toString)
                .containsExactly("0.0.0190", "0.0.ffff", "0.1.0000", "1.0.0000");
        assertThatThrownBy(() -> new DeviceNumber(0, 4, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceNumber(0, 0, 0x10000)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "4096, 4096",
        "0, 0",
        "64M, 67108864",
        "64m, 67108864",
        "' 2G ', 2147483648",
        "1T, 1099511627776",
        "16T, 17592186044416",
        "1K, 1024",
        "1KiB, 1024",
        "1kb, 1024",
        "3MiB, 3145728",
        "5MB, 5242880",
        "7B, 7",
        "0x1000, 4096",
        "0X7fffffffffffffff, 9223372036854775807",
        "8191T, 9006099743113216",
    })
    void sizesParse(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "M", "-1", "-1M", "1X", "1IB", "1BB", "1MBB", "1 M", "1.5G", "0x",
        "0xFFFFFFFFFFFFFFFF", "0x8000000000000000", "0x-1", "0x+1", "9999999999T", "99999999999999999999",
        "\u0661\u0662"})
    void badSizesAreRefusedNamingTheText(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    if (!text.isBlank()) {
                        assertThat(e).hasMessageContaining("'" + text + "'");
                    }
                });
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1, 1",
        "4096, 4K",
        "4097, 4097",
        "1048576, 1M",
        "1610612736, 1536M",
        "2147483648, 2G",
        "17592186044416, 16T",
        "1099511627777, 1099511627777",
    })
    void sizesFormatShortestExact(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void sizesRoundTrip(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 2000; i++) {
            long v = r.nextLong(0, 1L << 44) << r.nextInt(0, 19);
            assertThat(Sizes.parse(Sizes.format(v))).as("seed %d value %d", seed, v).isEqualTo(v);
        }
    }

    @Test
    void crashkernelParsesSizeAtBase() {
        CrashkernelRange ck = CrashkernelRange.parse("256M@512M");
        assertThat(ck.size()).isEqualTo(256 * Sizes.MIB);
        assertThat(ck.base()).isEqualTo(512 * Sizes.MIB);
        assertThat(ck.end()).isEqualTo(768 * Sizes.MIB);
        assertThat(ck.toString()).isEqualTo("256M@512M");
        assertThat(CrashkernelRange.parse(ck.toString())).isEqualTo(ck);
        assertThat(CrashkernelRange.parse("1G@1G")).isEqualTo(new CrashkernelRange(1L << 30, 1L << 30));
        assertThat(CrashkernelRange.parse("0x10000000@0x10000000").toString()).isEqualTo("256M@256M");
        assertThat(ck.contains(512 * Sizes.MIB)).isTrue();
        assertThat(ck.contains(768 * Sizes.MIB - 1)).isTrue();
        assertThat(ck.contains(768 * Sizes.MIB)).isFalse();
        assertThat(ck.contains(512 * Sizes.MIB - 1)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "256M@1000K|not 1 MiB aligned",
        "1000K@256M|not 1 MiB aligned",
        "256M@256M+1|'256M+1'",
        "256M|SIZE@BASE",
        "0@256M|positive",
        "256M@0|positive",
        "@256M|empty size",
        "16T@1M|beyond 16T",
        "8T@9T|beyond 16T",
    })
    void badCrashkernelIsRefused(String text, String detail) {
        assertThatThrownBy(() -> CrashkernelRange.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(detail);
    }
}
