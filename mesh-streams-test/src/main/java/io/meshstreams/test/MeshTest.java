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
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MeshTestExtension.class)
public @interface MeshTest {
    /** The number of brokers; more than one gives the class its own cluster. */
    int brokers() default 1;
}
