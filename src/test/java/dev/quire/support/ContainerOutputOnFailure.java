package dev.quire.support;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Attaches the output of the containers a failed test was using (those still running, and those it started) to
 * its failure, so that a CI log shows what the container said. The whole output stays under
 * target/container-logs/.
 */
public final class ContainerOutputOnFailure implements BeforeEachCallback, TestExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ContainerOutputOnFailure.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("startedBefore", Container.started().size());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        int startedBefore = context.getStore(NAMESPACE).getOrDefault("startedBefore", Integer.class, 0);
        List<Container> started = Container.started();
        for (int i = 0; i < started.size(); i++) {
            if (i >= startedBefore || started.get(i).isAlive()) {
                failure.addSuppressed(new ContainerOutput(started.get(i).tail()));
            }
        }
        throw failure;
    }

    /** Not an error: carries a container's output into the failure's report. */
    private static final class ContainerOutput extends Exception {
        private static final long serialVersionUID = 1L;

        ContainerOutput(String output) {
            super(output, null, false, false);
        }
    }
}
