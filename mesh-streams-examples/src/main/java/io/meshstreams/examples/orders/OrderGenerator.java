package io.meshstreams.examples.orders;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Plausible orders: a product from a small catalog, a quantity, a price in the customer's currency, a sales channel,
 * placed by one of {@code customers} customers ({@code c-00000} ...; a few customers order much more than most).
 * A steady share of orders is broken the way real ones get broken (a refund booked as a negative order, a currency
 * typed by hand), so that the port's rules have something to quarantine: one order at a random place in every block
 * of {@code round(1 / invalidShare)} orders (one in 25 for 4%).
 *
 * <p>Deterministic: the same seed gives the same orders in the same order, for the same {@code placedAt} times.
 * Not thread-safe.
 */
public final class OrderGenerator {
    /** The share of broken orders unless told otherwise: 4%. */
    public static final double DEFAULT_INVALID_SHARE = 0.04;

    /** What is wrong with a broken order; each breaks one rule of the port. */
    public enum Defect {
        /** A refund booked as an order: breaks {@code positive-amount}. */
        NEGATIVE_AMOUNT("positive-amount"),
        /** A currency we do not sell in, or a typo: breaks {@code known-currency}. */
        UNKNOWN_CURRENCY("known-currency");

        private final String rule;

        Defect(String rule) {
            this.rule = rule;
        }

        /** The rule of the port that the defect breaks. */
        public String rule() {
            return rule;
        }
    }

    /** One generated order, and its defect if it was made broken on purpose. */
    public record GeneratedOrder(GenericRecord order, @Nullable Defect defect) {
        public boolean isValid() {
            return defect == null;
        }
    }

    private record Item(String sku, String name, double priceInEuro) {
    }

    private record Currency(String code, double perEuro, int weight) {
    }

    private static final List<Item> CATALOG = List.of(
            new Item("SKU-1001", "Espresso beans 1 kg", 18.90),
            new Item("SKU-1002", "Filter coffee 500 g", 8.50),
            new Item("SKU-1003", "Green tea, 100 bags", 6.20),
            new Item("SKU-2001", "Ceramic mug", 12.00),
            new Item("SKU-2002", "Double-walled glass, pair", 16.40),
            new Item("SKU-2003", "Pour-over dripper", 24.90),
            new Item("SKU-3001", "Burr grinder", 89.00),
            new Item("SKU-3002", "Milk frother", 39.90),
            new Item("SKU-3003", "Espresso machine", 449.00),
            new Item("SKU-3004", "Kettle with thermometer", 64.50),
            new Item("SKU-4001", "Barista course voucher", 120.00),
            new Item("SKU-4002", "Coffee subscription, 3 months", 54.00),
            new Item("SKU-5001", "Descaler, 4 doses", 9.90),
            new Item("SKU-5002", "Cleaning tablets", 7.40),
            new Item("SKU-5003", "Water filter cartridge", 14.80));

    private static final List<Currency> CURRENCIES = List.of(
            new Currency("EUR", 1.0, 55),
            new Currency("USD", 1.08, 20),
            new Currency("GBP", 0.85, 12),
            new Currency("CHF", 0.95, 5),
            new Currency("SEK", 11.4, 4),
            new Currency("PLN", 4.3, 4));
    private static final int CURRENCY_WEIGHTS = CURRENCIES.stream().mapToInt(Currency::weight).sum();

    /** Currencies that are not on the port's list: ISO's "no currency", a Bitcoin, typos. */
    private static final List<String> UNKNOWN_CURRENCIES = List.of("XXX", "BTC", "EURO", "usd");

    private final Schema schema;
    private final SplittableRandom random;
    private final int customers;
    /** One broken order in every block of this many; 0 for none. */
    private final int block;
    private long index;
    private long brokenIndex = -1;

    /**
     * @param schema       the port's value schema
     * @param seed         the same seed gives the same orders
     * @param customers    how many customers there are ({@code c-00000} to {@code c-<customers - 1>})
     * @param invalidShare the share of orders that break a rule, 0 to 1
     */
    public OrderGenerator(Schema schema, long seed, int customers, double invalidShare) {
        this.schema = Objects.requireNonNull(schema, "schema");
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be at least 1, got " + customers);
        }
        if (!(invalidShare >= 0 && invalidShare <= 1)) {
            throw new IllegalArgumentException("invalidShare must be between 0 and 1, got " + invalidShare);
        }
        this.random = new SplittableRandom(seed);
        this.customers = customers;
        this.block = invalidShare == 0 ? 0 : (int) Math.max(1, Math.round(1 / invalidShare));
    }

    /** The next order, placed at {@code placedAt}. */
    public GeneratedOrder next(Instant placedAt) {
        // Draw every random value for every order, broken or not, so that one order's defect does not shift
        // the rest of the sequence.
        UUID orderId = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L); // a version 4 UUID
        double skew = random.nextDouble();
        int customer = (int) (customers * skew * skew); // low numbers order more often
        Item item = CATALOG.get(random.nextInt(CATALOG.size()));
        int quantity = quantity(random.nextInt(100));
        Currency currency = currency(random.nextInt(CURRENCY_WEIGHTS));
        int channel = random.nextInt(100);
        if (block > 0 && index % block == 0) {
            brokenIndex = index + random.nextInt(block); // where this block's broken order goes
        }
        boolean broken = index++ == brokenIndex;
        Defect defect = random.nextBoolean() ? Defect.NEGATIVE_AMOUNT : Defect.UNKNOWN_CURRENCY;
        String unknownCurrency = UNKNOWN_CURRENCIES.get(random.nextInt(UNKNOWN_CURRENCIES.size()));

        double unitPrice = cents(item.priceInEuro() * currency.perEuro());
        double amount = cents(unitPrice * quantity);
        GenericRecord order = new GenericData.Record(schema);
        order.put("orderId", orderId.toString());
        order.put("customerId", customerId(customer));
        order.put("placedAt", placedAt.toEpochMilli());
        order.put("sku", item.sku());
        order.put("productName", item.name());
        order.put("quantity", quantity);
        order.put("unitPrice", unitPrice);
        order.put("amount", amount);
        order.put("currency", currency.code());
        order.put("channel", channel < 55 ? "web" : channel < 90 ? "app" : "store");
        if (!broken) {
            return new GeneratedOrder(order, null);
        }
        switch (defect) {
            case NEGATIVE_AMOUNT -> order.put("amount", -amount);
            case UNKNOWN_CURRENCY -> order.put("currency", unknownCurrency);
        }
        return new GeneratedOrder(order, defect);
    }

    /** The id of customer {@code index}, as the customers domain names them: {@code c-00042}. */
    public static String customerId(int index) {
        return String.format("c-%05d", index);
    }

    private static int quantity(int percent) {
        return percent < 70 ? 1 : percent < 90 ? 2 : 3 + percent % 3;
    }

    private static Currency currency(int draw) {
        for (Currency currency : CURRENCIES) {
            draw -= currency.weight();
            if (draw < 0) {
                return currency;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static double cents(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
