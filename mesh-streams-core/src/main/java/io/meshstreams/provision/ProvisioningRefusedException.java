package io.meshstreams.provision;

import io.meshstreams.MeshException;

import java.util.stream.Collectors;

/** Provisioning refused to apply a plan; nothing was changed. {@link #plan()} says what was refused and why. */
public class ProvisioningRefusedException extends MeshException {
    private final ProvisioningPlan plan;

    public ProvisioningRefusedException(ProvisioningPlan plan) {
        super("Provisioning " + plan.productId() + " refused; nothing was changed:\n"
                + plan.changes(PlannedChange.Action.REFUSED).stream()
                        .map(change -> "  " + change.resource() + " " + change.name() + ": " + change.note())
                        .collect(Collectors.joining("\n")));
        this.plan = plan;
    }

    public ProvisioningPlan plan() {
        return plan;
    }
}
