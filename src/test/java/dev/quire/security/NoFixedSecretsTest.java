package dev.quire.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.AppConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No secret has a value Quire supplies itself: with nothing configured, every setting whose name says it is a
 * secret (a password, token, secret, key or credential, in AppConfig or anything it holds) is empty, so a secret
 * is either configured by the operator or absent, never one that every installation shares. Session tokens need
 * no configured secret at all: they are random, and only their SHA-256 is stored (SecretsInLogsSuite reads it).
 * A setting added later with a fixed default fails this test.
 */
class NoFixedSecretsTest {
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|token|key|credential).*");

    @Test
    void withNothingConfiguredEverySecretSettingIsEmpty() throws ReflectiveOperationException {
        var secrets = new ArrayList<String>();

        collect("AppConfig", AppConfig.from(Map.of()), secrets);

        assertThat(secrets).as("secret settings found").contains("AppConfig.metricsToken=",
                "AppConfig.database.password=");
        assertThat(secrets).allSatisfy(secret -> assertThat(secret).as("a secret with a fixed default").endsWith("="));
    }

    /** Walks the record's components (and those of the records it holds), noting each secret as name=value. */
    private static void collect(String path, Record record, List<String> secrets) throws ReflectiveOperationException {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = component.getAccessor().invoke(record);
            String name = path + "." + component.getName();
            if (value instanceof Record nested) {
                collect(name, nested, secrets);
            } else if (SECRET.matcher(component.getName()).matches()) {
                Object shown = value instanceof Optional<?> optional ? optional.map(Object.class::cast).orElse("") : value;
                secrets.add(name + "=" + (shown == null ? "" : shown));
            }
        }
    }
}
