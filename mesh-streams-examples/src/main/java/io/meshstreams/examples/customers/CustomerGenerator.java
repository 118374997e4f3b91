package io.meshstreams.examples.customers;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Plausible customer profiles ({@code c-00000} to {@code c-<customers - 1>}): a name, an email address at one of
 * the reserved example domains, a country, a loyalty tier and a sign-up time; and a stream of profile changes
 * (a tier upgrade, a new email address, a move abroad).
 *
 * <p>Deterministic: a seed and an index give the same profile; the same seed gives the same changes in the same
 * order, for the same times. Not thread-safe.
 */
public final class CustomerGenerator {
    private static final List<String> FIRST_NAMES = List.of("Anna", "Ben", "Chiara", "David", "Elif", "Finn", "Greta",
            "Hugo", "Ines", "Jonas", "Kaja", "Lars", "Mia", "Noah", "Olga", "Pablo", "Quentin", "Rosa", "Sven", "Tara",
            "Umar", "Vera", "Wiktor", "Xenia", "Yusuf", "Zoe", "Amelie", "Bruno", "Clara", "Emil");
    private static final List<String> LAST_NAMES = List.of("Andersson", "Becker", "Costa", "Dubois", "Eriksen",
            "Fischer", "García", "Hansen", "Ivanova", "Jansen", "Kowalski", "Larsen", "Müller", "Novak", "O'Brien",
            "Peeters", "Quinn", "Rossi", "Schmidt", "Taylor", "Ulrich", "Vogel", "Weber", "Yilmaz", "Zimmermann");
    private static final List<String> EMAIL_DOMAINS = List.of("example.com", "example.org", "example.net",
            "mail.example");
    /** Countries with a weight each: most customers live in a few countries. */
    private static final List<String> COUNTRIES = List.of("DE", "DE", "DE", "DE", "FR", "FR", "NL", "NL", "GB", "GB",
            "US", "US", "ES", "IT", "AT", "CH", "SE", "PL", "BE", "DK", "IE");
    private static final List<String> TIERS = List.of("standard", "silver", "gold");
    private static final long SIGN_UPS_FROM = Instant.parse("2019-01-01T00:00:00Z").toEpochMilli();
    private static final long SIGN_UP_SPAN = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli() - SIGN_UPS_FROM;

    private final Schema schema;
    private final long seed;
    private final int customers;
    private final SplittableRandom changes;
    /** Profiles changed since the start, by index: changes build on each other. */
    private final Map<Integer, GenericRecord> changed = new HashMap<>();

    /**
     * @param schema    the port's value schema
     * @param seed      the same seed gives the same customers and changes
     * @param customers how many customers there are
     */
    public CustomerGenerator(Schema schema, long seed, int customers) {
        this.schema = Objects.requireNonNull(schema, "schema");
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be at least 1, got " + customers);
        }
        this.seed = seed;
        this.customers = customers;
        this.changes = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** How many customers there are. */
    public int customers() {
        return customers;
    }

    /** The id of customer {@code index}: {@code c-00042}. */
    public static String customerId(int index) {
        return String.format("c-%05d", index);
    }

    /** Customer {@code index} as they signed up, the profile last updated at {@code updatedAt}. */
    public GenericRecord profile(int index, Instant updatedAt) {
        if (index < 0 || index >= customers) {
            throw new IllegalArgumentException("customer index " + index + " is not in 0.." + (customers - 1));
        }
        SplittableRandom random = new SplittableRandom(seed * 31 + index);
        String first = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
        String last = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
        GenericRecord profile = new GenericData.Record(schema);
        profile.put("customerId", customerId(index));
        profile.put("name", first + " " + last);
        profile.put("email", email(first, last, random.nextInt(100), EMAIL_DOMAINS.get(random.nextInt(EMAIL_DOMAINS.size()))));
        profile.put("country", COUNTRIES.get(random.nextInt(COUNTRIES.size())));
        int tier = random.nextInt(10);
        profile.put("tier", TIERS.get(tier < 7 ? 0 : tier < 9 ? 1 : 2));
        profile.put("signedUpAt", SIGN_UPS_FROM + random.nextLong(SIGN_UP_SPAN));
        profile.put("updatedAt", updatedAt.toEpochMilli());
        return profile;
    }

    /** The next profile change: one customer's profile, with the change made at {@code updatedAt}. */
    public GenericRecord nextChange(Instant updatedAt) {
        int index = changes.nextInt(customers);
        int kind = changes.nextInt(10);
        int number = changes.nextInt(100);
        String domain = EMAIL_DOMAINS.get(changes.nextInt(EMAIL_DOMAINS.size()));
        String country = COUNTRIES.get(changes.nextInt(COUNTRIES.size()));

        GenericRecord current = changed.get(index);
        GenericRecord profile = current != null ? GenericData.get().deepCopy(schema, current) : profile(index, updatedAt);
        if (kind < 6) { // an upgrade (gold stays gold)
            int tier = TIERS.indexOf(profile.get("tier").toString());
            profile.put("tier", TIERS.get(Math.min(tier + 1, TIERS.size() - 1)));
        } else if (kind < 9) { // a new email address
            String[] names = profile.get("name").toString().split(" ", 2);
            profile.put("email", email(names[0], names[1], number, domain));
        } else { // moved abroad
            profile.put("country", country);
        }
        profile.put("updatedAt", updatedAt.toEpochMilli());
        changed.put(index, profile);
        return profile;
    }

    private static String email(String first, String last, int number, String domain) {
        String local = (first + "." + last).toLowerCase(Locale.ROOT)
                .replace("ü", "ue").replace("í", "i").replace("'", "");
        return local + (number < 50 ? "" : String.valueOf(number)) + "@" + domain;
    }
}
