/**
 * Publishing on output ports with the contract enforced at produce time: {@link io.meshstreams.publish.PortPublisher}.
 */
@NullMarked
package io.meshstreams.publish;

import org.jspecify.annotations.NullMarked;
