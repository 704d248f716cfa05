package dev.quire;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.quire.identity.Account;
import dev.quire.identity.AccountId;
import dev.quire.identity.Authenticated;
import dev.quire.identity.Session;
import dev.quire.identity.SignedIn;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Which package may depend on which, read from the compiled classes (imports, fully qualified names, annotations
 * alike). Dependencies point one way: the composition root ({@code dev.quire}) on everything; {@code container}
 * (Jetty's and Tomcat's glue) and {@code http} (the filter chain, the problem mapper, the Jersey application) on the
 * features' public services; the features on {@code rest} (what resources use to speak HTTP), {@code events}
 * (the change events' outbox and streams), {@code mail} (the mail outbox and its sender), {@code limits} (token
 * buckets), {@code db} and {@code shared}; those on nothing of Quire's but each other ({@code events}, {@code mail}
 * and {@code limits} work through {@code db}) and {@code shared}.
 */
class ArchitectureTest {
    /** The compiled main classes only (target/classes): quicker than scanning the class path for the package. */
    private static final JavaClasses QUIRE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(java.nio.file.Path.of("target", "classes"));
    private static final String[] FEATURES = {"identity", "todos", "books", "idempotency", "health", "metrics", "docs"};
    /** Who the caller is: what every feature may know of identity (a request's session, its account). */
    private static final Class<?>[] PRINCIPAL = {Session.class, AccountId.class, Account.class, Authenticated.class,
        SignedIn.class};

    @Test
    void noFeatureDependsOnAnotherButForTheCallersIdentity() {
        for (String feature : FEATURES) {
            String[] others = Arrays.stream(FEATURES).filter(other -> !other.equals(feature))
                    .map(other -> "dev.quire." + other + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.quire." + feature + "..")
                    .should().dependOnClassesThat(resideInAnyPackage(others).and(not(belongToAnyOf(PRINCIPAL))))
                    .because("a feature keeps to itself; only the caller's identity is everyone's")
                    .check(QUIRE);
        }
    }

    @Test
    void noFeatureDependsOnTheFilterChainOrTheContainers() {
        noClasses().that().resideInAnyPackage(packages(FEATURES))
                .should().dependOnClassesThat().resideInAnyPackage("dev.quire.http..", "dev.quire.container..")
                .because("resources speak HTTP through dev.quire.rest; the chain wraps them, unseen")
                .check(QUIRE);
    }

    @Test
    void sharedDbRestEventsMailAndLimitsDependOnNoFeatureNorTheChain() {
        String[] above = concat(packages(FEATURES), "dev.quire.http..", "dev.quire.container..", "dev.quire.rest..",
                "dev.quire.db..", "dev.quire.events..", "dev.quire.limits..", "dev.quire.mail..");
        noClasses().that().resideInAPackage("dev.quire.shared..").should().dependOnClassesThat()
                .resideInAnyPackage(above).check(QUIRE);
        noClasses().that().resideInAnyPackage("dev.quire.rest..", "dev.quire.db..", "dev.quire.events..")
                .should().dependOnClassesThat()
                .resideInAnyPackage(concat(packages(FEATURES), "dev.quire.http..", "dev.quire.container..",
                        "dev.quire.limits..", "dev.quire.mail.."))
                .check(QUIRE);
        noClasses().that().resideInAPackage("dev.quire.mail..").should().dependOnClassesThat()
                .resideInAnyPackage(concat(packages(FEATURES), "dev.quire.http..", "dev.quire.container..",
                        "dev.quire.rest..", "dev.quire.events..", "dev.quire.limits.."))
                .because("mail sends what it is given; it knows no feature, no request")
                .check(QUIRE);
        noClasses().that().resideInAPackage("dev.quire.limits..").should().dependOnClassesThat()
                .resideInAnyPackage(concat(packages(FEATURES), "dev.quire.http..", "dev.quire.container..",
                        "dev.quire.rest..", "dev.quire.events..", "dev.quire.mail.."))
                .because("limits count tokens for whoever asks; they know no feature, no request")
                .check(QUIRE);
    }

    @Test
    void onlyTheCompositionRootKnowsItselfAndNothingKnowsTheContainerGlue() {
        noClasses().that().resideInAPackage("dev.quire.(*)..").should().dependOnClassesThat()
                .resideInAPackage("dev.quire").because("dev.quire holds the composition root, above everything")
                .check(QUIRE);
        noClasses().that().resideOutsideOfPackage("dev.quire.container..").should().dependOnClassesThat()
                .resideInAPackage("dev.quire.container..")
                .because("the container glue is reached from Jetty's descriptor only, and Tomcat never loads it")
                .check(QUIRE);
    }

    @Test
    void thereAreNoCyclesBetweenPackages() {
        slices().matching("dev.quire.(*)..").should().beFreeOfCycles().check(QUIRE);
    }

    private static String[] packages(String... features) {
        return Arrays.stream(features).map(feature -> "dev.quire." + feature + "..").toArray(String[]::new);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
