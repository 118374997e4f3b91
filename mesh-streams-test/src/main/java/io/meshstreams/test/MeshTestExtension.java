package io.meshstreams.test;

import io.meshstreams.test.internal.EmbeddedTestMesh;
import io.meshstreams.test.internal.ManagedTestMesh;
import io.meshstreams.test.internal.TestcontainersTestMesh;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Locale;
import java.util.Optional;

/**
 * The JUnit 5 extension behind {@link MeshTest}: starts (or reuses) a mesh before the class and resolves
 * {@link TestMesh} parameters. Use it through {@link MeshTest}.
 */
public final class MeshTestExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MeshTestExtension.class);
    private static final String SHARED_KEY = "shared-mesh";
    private static final String CLASS_KEY = "class-mesh";

    /**
     * In the Testcontainers mode, disables (reports as skipped, with the reason) the tests that cannot run here: all
     * of them where Docker is absent, and those that ask for more than one broker, child processes or security.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!"testcontainers".equals(mode())) {
            return ConditionEvaluationResult.enabled("embedded mesh");
        }
        return TestcontainersTestMesh.whyNot(brokers(context), brokersInChildProcesses(context), secure(context))
                .map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("Docker is available"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        mesh(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestMesh.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return mesh(extensionContext);
    }

    private static int brokers(ExtensionContext context) {
        return annotation(context).map(MeshTest::brokers).orElse(1);
    }

    private static boolean brokersInChildProcesses(ExtensionContext context) {
        return annotation(context).map(MeshTest::brokersInChildProcesses).orElse(false);
    }

    private static boolean secure(ExtensionContext context) {
        return annotation(context).map(MeshTest::secure).orElse(false);
    }

    private static Optional<MeshTest> annotation(ExtensionContext context) {
        return context.getTestClass().flatMap(type -> AnnotationSupport.findAnnotation(type, MeshTest.class));
    }

    private static String mode() {
        return System.getProperty(TestMesh.MODE_PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
    }

    private static TestMesh mesh(ExtensionContext context) {
        int brokers = brokers(context);
        boolean inChildProcesses = brokersInChildProcesses(context);
        boolean secure = secure(context);
        String mode = mode();
        if (brokers == 1 && !inChildProcesses && !secure) {
            // One mesh per JVM: stored in the root context, closed when the whole test run ends.
            return context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(SHARED_KEY + ":" + mode, key -> create(mode, 1, false, false),
                            MeshResource.class)
                    .mesh;
        }
        ExtensionContext classContext = classContext(context);
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(CLASS_KEY, key -> create(mode, brokers, inChildProcesses, secure),
                        MeshResource.class)
                .mesh;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static MeshResource create(String mode, int brokers, boolean inChildProcesses, boolean secure) {
        return switch (mode) {
            case "embedded" -> new MeshResource(EmbeddedTestMesh.start(brokers, inChildProcesses, secure));
            case "testcontainers" -> new MeshResource(TestcontainersTestMesh.start(brokers, inChildProcesses, secure));
            default -> throw new IllegalArgumentException("Unknown -D" + TestMesh.MODE_PROPERTY + "=" + mode
                    + "; valid modes are embedded (the default: in-process Kafka and registry) and testcontainers"
                    + " (Docker containers; tests are skipped where Docker is absent)");
        };
    }

    /**
     * Closes the mesh when JUnit discards the store that holds it (AutoCloseable for JUnit 5.13 and later,
     * CloseableResource for earlier versions).
     */
    @SuppressWarnings("deprecation")
    private static final class MeshResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final ManagedTestMesh mesh;

        private MeshResource(ManagedTestMesh mesh) {
            this.mesh = mesh;
        }

        @Override
        public void close() throws Exception {
            mesh.close();
        }
    }
}
