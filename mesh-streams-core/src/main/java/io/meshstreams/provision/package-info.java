/**
 * Self-serve provisioning: make the cluster and the schema registry match a data product, idempotently, after
 * showing the plan. See {@link io.meshstreams.provision.Provisioner}.
 */
@NullMarked
package io.meshstreams.provision;

import org.jspecify.annotations.NullMarked;
