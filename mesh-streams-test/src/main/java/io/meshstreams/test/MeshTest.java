package io.meshstreams.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class against a real mesh: Kafka plus a schema registry. Test and lifecycle methods take a
 * {@link TestMesh} parameter.
 *
 * <pre>{@code
 * @MeshTest
 * class OrdersIT {
 *     @Test
 *     void publishes(TestMesh mesh) {
 *         String topic = mesh.uniqueTopic("orders");
 *         Map<String, Object> config = mesh.clientConfig();
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code brokers() == 1} (the default) every such class in the JVM shares one mesh, started on first use
 * and stopped when the JVM's tests end; use {@link TestMesh#uniqueTopic(String)} so classes don't see each
 * other's data. With more brokers the class gets a mesh of its own, stopped after the class, so that it may
 * stop and start brokers.
 *
 * <p>To test a crash rather than a controlled shutdown, {@code brokersInChildProcesses = true} runs each broker in
 * a JVM of its own (a child of the test JVM; the controller and the registry stay in it), so that the test can kill
 * one with SIGKILL and start it again on its port and data:
 *
 * <pre>{@code
 * @MeshTest(brokers = 3, brokersInChildProcesses = true)
 * class FailoverIT {
 *     @Test
 *     void survivesACrash(TestMesh mesh) {
 *         EmbeddedKafkaCluster kafka = mesh.embeddedKafka().orElseThrow();
 *         kafka.killBroker(2);    // kill -9: no controlled shutdown, no clean-shutdown marker
 *         kafka.startBroker(2);   // returns when the cluster sees broker 2 again
 *     }
 * }
 * }</pre>
 *
 * <p>Guarantees:
 * <ol>
 *   <li>Only {@code brokers = 1} without child processes shares the JVM's mesh; every other class gets its own,
 *       closed after the class, and {@code @Nested} classes with their own {@code @MeshTest} get theirs.</li>
 *   <li>The mesh is ready (every broker registered and unfenced, the registry answering) before the first
 *       {@code @BeforeAll} method runs.</li>
 *   <li>A broker in a child process never outlives the test JVM, however the JVM ends. Each takes about two seconds
 *       to start and up to 512 MB of heap: ask for child processes only where a test kills brokers.</li>
 *   <li>In Testcontainers mode, classes with more than one broker, with child processes or secured are reported as
 *       skipped, with the reason.</li>
 *   <li>{@code secure = true} gives the class a secured mesh of its own (see {@link #secure()}).</li>
 * </ol>
 *
 * <p>A secured mesh is what a production mesh with SASL and broker ACLs looks like: every client authenticates, and
 * a principal may do only what an ACL allows. {@link TestMesh#platformConfig()} acts as the platform (a super user);
 * {@link TestMesh#clientConfig(String)} creates a domain's user on first use and acts as that domain, which may do
 * nothing until the platform grants it ACLs:
 *
 * <pre>{@code
 * @MeshTest(secure = true)
 * class GrantsIT {
 *     @Test
 *     void anUngrantedDomainIsRefused(TestMesh mesh) {
 *         Map<String, Object> analytics = mesh.clientConfig("analytics");   // User:analytics, no ACLs yet
 *         try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(analytics, ...)) {
 *             // reading any topic: TopicAuthorizationException
 *         }
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MeshTestExtension.class)
public @interface MeshTest {
    /** The number of brokers; more than one gives the class its own cluster. */
    int brokers() default 1;

    /**
     * Runs each broker in a JVM of its own, so that {@code EmbeddedKafkaCluster.killBroker(id)} can kill it; gives the
     * class its own cluster. False by default: brokers run in the test JVM and can be stopped, not killed.
     */
    boolean brokersInChildProcesses() default false;

    /**
     * Runs a secured mesh, of the class's own: Kafka with SASL_PLAINTEXT (SCRAM-SHA-512) on every client port, an
     * authenticated controller port, the {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false},
     * super users {@code User:platform}, {@code User:registry} and {@code User:broker}; the registry's own Kafka
     * clients act as {@code User:registry}. False by default.
     */
    boolean secure() default false;
}
