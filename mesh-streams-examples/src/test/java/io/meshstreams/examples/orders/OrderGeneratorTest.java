package io.meshstreams.examples.orders;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Violation;
import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.examples.orders.OrderGenerator.Defect;
import io.meshstreams.examples.orders.OrderGenerator.GeneratedOrder;
import io.meshstreams.product.OutputPort;

import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderGeneratorTest {
    static final OutputPort PORT = ProductDescriptors.load(OrdersApp.DOMAIN, null).outputPort(OrdersApp.PORT);
    static final Instant START = Instant.parse("2026-03-01T09:00:00Z");

    static List<GeneratedOrder> orders(long seed, int count, double invalidShare) {
        OrderGenerator generator = new OrderGenerator(PORT.valueSchema(), seed, 500, invalidShare);
        List<GeneratedOrder> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orders.add(generator.next(START.plusMillis(20L * i)));
        }
        return orders;
    }

    @Test
    void theSameSeedPlacesTheSameOrders() {
        assertThat(orders(7, 2_000, 0.04)).isEqualTo(orders(7, 2_000, 0.04));
        assertThat(orders(7, 100, 0.04)).isNotEqualTo(orders(8, 100, 0.04));
    }

    @Test
    void aSteadyFourPercentOfOrdersIsBrokenHalfByAmountHalfByCurrency() {
        List<GeneratedOrder> orders = orders(42, 20_000, OrderGenerator.DEFAULT_INVALID_SHARE);

        // steady: one in every 25 orders, at a random place in each block of 25
        for (int from = 0; from < orders.size(); from += 25) {
            assertThat(orders.subList(from, from + 25)).as("orders %d..%d", from, from + 25)
                    .filteredOn(o -> !o.isValid()).hasSize(1);
        }
        List<Integer> places = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            if (!orders.get(i).isValid()) {
                places.add(i % 25);
            }
        }
        assertThat(places.stream().distinct().count()).as("places of the broken orders in their blocks").isGreaterThan(15);

        long broken = orders.stream().filter(o -> !o.isValid()).count();
        assertThat(broken).isEqualTo(800);
        Map<Defect, Integer> byDefect = new EnumMap<>(Defect.class);
        orders.stream().filter(o -> !o.isValid()).forEach(o -> byDefect.merge(o.defect(), 1, Integer::sum));
        assertThat(byDefect.get(Defect.NEGATIVE_AMOUNT)).isBetween(320, 480);
        assertThat(byDefect.get(Defect.UNKNOWN_CURRENCY)).isBetween(320, 480);
    }

    @Test
    void otherSharesAreOneOrderInEveryRoundedBlock() {
        assertThat(orders(1, 3_300, 0.03)).filteredOn(o -> !o.isValid()).hasSize(100);  // one in 33
        assertThat(orders(1, 3_000, 0.05)).filteredOn(o -> !o.isValid()).hasSize(150);  // one in 20
        assertThat(orders(1, 3_000, 0)).allMatch(GeneratedOrder::isValid);
        assertThat(orders(1, 100, 1)).noneMatch(GeneratedOrder::isValid);
    }

    @Test
    void validOrdersKeepThePortsContractAndEachBrokenOneBreaksExactlyTheRuleOfItsDefect() {
        ContractRules rules = ContractRules.compile(PORT.valueSchema(), PORT.rules());

        for (GeneratedOrder order : orders(3, 5_000, 0.04)) {
            List<String> broken = rules.check(order.order()).stream().map(Violation::rule).toList();
            if (order.isValid()) {
                assertThat(broken).as("violations of %s", order.order()).isEmpty();
            } else {
                assertThat(broken).as("violations of %s", order.order()).containsExactly(order.defect().rule());
            }
        }
    }

    @Test
    void ordersLookReal() {
        List<GeneratedOrder> orders = orders(5, 5_000, 0);
        GenericRecord first = orders.get(0).order();

        assertThat(first.get("orderId").toString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(first.get("customerId").toString()).matches("c-\\d{5}");
        assertThat(first.get("placedAt")).isEqualTo(START.toEpochMilli());
        assertThat(orders).extracting(o -> o.order().get("orderId").toString()).doesNotHaveDuplicates();
        assertThat(orders).extracting(o -> o.order().get("currency").toString()).contains("EUR", "USD", "GBP", "CHF",
                "SEK", "PLN");
        assertThat(orders).extracting(o -> o.order().get("channel").toString()).contains("web", "app", "store");
        assertThat(orders).allSatisfy(o -> {
            double amount = (double) o.order().get("amount");
            double unitPrice = (double) o.order().get("unitPrice");
            int quantity = (int) o.order().get("quantity");
            assertThat(amount).isCloseTo(unitPrice * quantity, org.assertj.core.data.Offset.offset(0.005));
            assertThat(Math.round(amount * 100) / 100.0).isEqualTo(amount); // cents
        });
        // a few customers order much more often than most
        long byLowest10Percent = orders.stream().filter(o -> o.order().get("customerId").toString().compareTo("c-00050") < 0).count();
        assertThat(byLowest10Percent).isGreaterThan(orders.size() / 5);
    }

    @Test
    void refusesAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> new OrderGenerator(PORT.valueSchema(), 1, 500, 1.5))
                .hasMessage("invalidShare must be between 0 and 1, got 1.5");
    }
}
