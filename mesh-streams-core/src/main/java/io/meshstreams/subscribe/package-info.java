/**
 * Reading other domains' output ports, under a grant: {@link io.meshstreams.subscribe.PortSubscriber}.
 */
@NullMarked
package io.meshstreams.subscribe;

import org.jspecify.annotations.NullMarked;
