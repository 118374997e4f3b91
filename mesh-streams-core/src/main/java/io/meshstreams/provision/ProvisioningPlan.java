package io.meshstreams.provision;

import io.meshstreams.product.DataProduct;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What provisioning a product does: one {@link PlannedChange} per topic, partition count, topic configuration,
 * subject compatibility, schema and catalog entry. A product that is already provisioned plans all
 * {@link PlannedChange.Action#UNCHANGED}.
 *
 * @param product the product the plan is for
 * @param changes every resource of the product, in the order they are applied
 */
public record ProvisioningPlan(DataProduct product, List<PlannedChange> changes) {
    public ProvisioningPlan {
        Objects.requireNonNull(product, "product");
        changes = List.copyOf(changes);
    }

    /** {@code domain.name} of the product. */
    public String productId() {
        return product.id();
    }

    /** The changes with this action. */
    public List<PlannedChange> changes(PlannedChange.Action action) {
        return changes.stream().filter(change -> change.action() == action).toList();
    }

    /** True if every resource already matches: applying the plan would do nothing. */
    public boolean isUpToDate() {
        return changes.stream().allMatch(change -> change.action() == PlannedChange.Action.UNCHANGED);
    }

    /** True if applying would change something. */
    public boolean hasChanges() {
        return changes.stream().anyMatch(change -> change.action() == PlannedChange.Action.CREATE
                || change.action() == PlannedChange.Action.UPDATE);
    }

    /** True if the plan contains a refusal, so that it cannot be applied. */
    public boolean isRefused() {
        return !changes(PlannedChange.Action.REFUSED).isEmpty();
    }

    /** A table for people: one line per change. */
    public String describe() {
        return "Provisioning plan for " + productId() + ":\n" + changes.stream()
                .map(c -> String.format("  %-9s %-13s %s%s%s%s", c.action(), c.resource(), c.name(),
                        c.setting() == null ? "" : " " + c.setting(),
                        c.current() == null && c.desired() == null ? ""
                                : " (" + (c.current() == null ? "-" : c.current()) + " -> "
                                + (c.desired() == null ? "-" : c.desired()) + ")",
                        c.note().isEmpty() ? "" : ": " + c.note()))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return describe();
    }
}
