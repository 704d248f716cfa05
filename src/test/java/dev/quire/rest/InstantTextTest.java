package dev.quire.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"2026-12-05T19:40:02.493Z", "2026-12-05T19:40:02Z", "2026-12-05T19:40:02.493100Z",
            "2026-12-05T19:40:02.000000001Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00.010Z", "-0001-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z"})
    void writesWhatInstantToStringWrites(String text) {
        var instant = Instant.parse(text);
        assertThat(InstantText.format(instant)).isEqualTo(instant.toString()).isEqualTo(text);
    }

    @Test
    void agreesWithInstantToStringOnAMillionRandomInstants() {
        var random = new SplittableRandom(19);
        for (int i = 0; i < 1_000_000; i++) {
            long seconds = random.nextLong(-62_200_000_000L, 253_500_000_000L);  // a little either side of 0000–9999
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            var instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(InstantText.format(instant)).as("%s", instant).isEqualTo(instant.toString());
        }
    }

    @Test
    void isTheApisJsonForInstants() throws Exception {
        var instant = Instant.parse("2026-12-05T19:40:02.493Z");
        assertThat(Json.mapper().writeValueAsString(instant)).isEqualTo("\"2026-12-05T19:40:02.493Z\"");
        assertThat(Json.mapper().writeValueAsString(Instant.ofEpochSecond(1, 500))).isEqualTo("\"1970-01-01T00:00:01.000000500Z\"");
    }
}
