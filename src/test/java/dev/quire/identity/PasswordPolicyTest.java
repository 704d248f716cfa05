package dev.quire.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    private final PasswordPolicy policy = PasswordPolicy.withBundledList();

    @Test
    void theBundledListHoldsAtLeastTenThousandCommonPasswords() {
        assertThat(policy.size()).isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void listedPasswordsAreRefusedAndOthersPass() {
        assertThat(policy.problemWith("baseball1", "a@example.com")).isPresent();
        assertThat(policy.problemWith("BASEBALL1", "a@example.com")).isPresent();
        assertThat(policy.problemWith("violet lantern orbit", "a@example.com")).isEmpty();
    }

    @Test
    void passwordsAreComparedAfterUnicodeNormalisation() {
        // a full-width "Ｐａｓｓｗｏｒｄ１" is the common "password1" once NFKC-normalised
        String fullWidth = "Ｐａｓｓｗｏｒｄ１";
        assertThat(policy.problemWith(PasswordPolicy.normalize(fullWidth), "a@example.com")).isPresent();
    }
}
