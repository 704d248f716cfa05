package dev.quire.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MediaRangeTest {
    private static final MediaRange JSON = MediaRange.parseType("application/json").orElseThrow();
    private static final MediaRange METRICS = MediaRange.parseType("text/plain; version=0.0.4; charset=utf-8")
            .orElseThrow();

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON", "application/json;", "application/json ; charset=utf-8",
        "application/json;charset=\"utf-8\"", "application/merge-patch+json", "text/plain;a=1;;b=\"x;y\\\"z\""})
    void readsMediaTypes(String value) {
        assertThat(MediaRange.parseType(value)).as(value).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "/", "application", "application/", "/json", "*/*", "application/*",
        "a/b; x", "a/b; x=", "a/b; =y", "a/b;charset=\"utf-8", "a/b c", "a/b, c/d", "a/b;x=1;x=2", "a b/c",
        "a/b;x=\"\u0001\""})
    void refusesWhatIsNotAMediaType(String value) {
        assertThat(MediaRange.parseType(value)).as(value).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/*", "application/*", "application/json;q=0.5, */*;q=0.1", "text/html, , application/json",
        "application/json;q=1.000", "application/json;q=0", "text/plain; version=0.0.4 ;q=0.3", ",", ""})
    void readsAcceptHeaders(String value) {
        assertThat(MediaRange.parseAccept(value)).as(value).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "json", "*/json", "application/json;q=2", "application/json;q=1.5",
        "application/json;q=0.1234", "application/json;q=", "application/json;q=abc", "text/*;q=0.5;level=1",
        "a/b;q=0.5;q=0.4", "a/b c/d", "application/json, ;q=1"})
    void refusesWhatIsNotAnAcceptHeader(String value) {
        assertThat(MediaRange.parseAccept(value)).as(value).isEmpty();
    }

    @ParameterizedTest(name = "{0} wants JSON at {1} and the metrics text at {2}")
    @CsvSource(delimiter = '|', value = {
        "*/*|1000|1000",
        "application/json|1000|0",
        "application/json;q=0.5|500|0",
        "application/json;q=0|0|0",
        "*/*;q=0|0|0",
        "application/json;q=0, */*|0|1000",
        "*/*;q=0, application/json;q=0.1|100|0",
        "application/*;q=0.2, application/json;q=0.7|700|0",
        "application/json;charset=utf-8|1000|0",
        "application/json;charset=UTF8|1000|0",
        "application/json;charset=utf-16|0|0",
        "application/json;charset=iso-8859-1, */*;q=0.1|100|100",
        "application/json;version=2|0|0",
        "text/plain;version=0.0.4;q=0.3|0|300",
        "text/plain;version=1.0.0|0|0",
        "text/*;charset=utf-8;q=0.4|0|400",
        "application/problem+json|0|0"})
    void weighsTypesByTheMostSpecificMatchingRange(String accept, int json, int metrics) {
        List<MediaRange> ranges = MediaRange.parseAccept(accept).orElseThrow();

        assertThat(MediaRange.quality(ranges, JSON)).isEqualTo(json);
        assertThat(MediaRange.quality(ranges, METRICS)).isEqualTo(metrics);
    }
}
