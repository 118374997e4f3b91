package io.meshstreams.internal.registry;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A concurrent map that holds at most {@code capacity} entries: when full, an arbitrary entry makes
 * room. Reads are a plain {@link ConcurrentHashMap#get}; the serdes keep their own per-schema fast
 * paths, so this cache is only reached once per schema and serde.
 */
final class BoundedCache<K, V> {
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final int capacity;

    BoundedCache(int capacity) {
        this.capacity = capacity;
    }

    @Nullable V get(K key) {
        return map.get(key);
    }

    void put(K key, V value) {
        if (map.size() >= capacity && !map.containsKey(key)) {
            Iterator<K> keys = map.keySet().iterator();
            if (keys.hasNext()) {
                keys.next();
                keys.remove();
            }
        }
        map.put(key, value);
    }

    void removeIf(Predicate<K> condition) {
        map.keySet().removeIf(condition);
    }

    int size() {
        return map.size();
    }
}
