package io.meshstreams.local.internal.registry;

import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.SchemaReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The registry's whole state, rebuilt by applying the store topic's records in order: subjects and
 * their versions, the schema behind each id, compatibility levels and the highest id ever issued.
 *
 * <p>Not thread-safe: a {@link RegistryStore} guards it (readers share, the applier is exclusive).
 */
final class RegistryState {
    static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    private static final Comparator<SchemaVersion> BY_SUBJECT_VERSION =
            Comparator.comparing(SchemaVersion::subject).thenComparingInt(SchemaVersion::version);

    private final NavigableMap<String, NavigableMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<Integer, TreeSet<SchemaVersion>> versionsById = new HashMap<>();
    private final Map<String, TreeSet<Integer>> idsByIdentity = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private @Nullable CompatibilityLevel globalLevel;
    private int maxId;

    // ---- applying records

    void apply(StoreEvent event) {
        if (event instanceof StoreEvent.SchemaPut put) {
            SchemaVersion version = put.version();
            remove(version.subject(), version.version());
            subjects.computeIfAbsent(version.subject(), s -> new TreeMap<>()).put(version.version(), version);
            versionsById.computeIfAbsent(version.id(), id -> new TreeSet<>(BY_SUBJECT_VERSION)).add(version);
            idsByIdentity.computeIfAbsent(version.content().identity(), k -> new TreeSet<>()).add(version.id());
            maxId = Math.max(maxId, version.id());
        } else if (event instanceof StoreEvent.SchemaTombstone tombstone) {
            remove(tombstone.subject(), tombstone.version());
        } else if (event instanceof StoreEvent.ConfigPut config) {
            if (config.subject() == null) {
                globalLevel = config.level();
            } else {
                subjectLevels.put(config.subject(), config.level());
            }
        } else if (event instanceof StoreEvent.ConfigTombstone config) {
            if (config.subject() == null) {
                globalLevel = null;
            } else {
                subjectLevels.remove(config.subject());
            }
        } else if (event instanceof StoreEvent.DeleteSubject delete) {
            NavigableMap<Integer, SchemaVersion> versions = subjects.get(delete.subject());
            if (versions != null) {
                for (SchemaVersion version : List.copyOf(versions.headMap(delete.version(), true).values())) {
                    if (!version.deleted()) {
                        apply(new StoreEvent.SchemaPut(version.softDeleted()));
                    }
                }
            }
        } else if (event instanceof StoreEvent.IdWatermark watermark) {
            maxId = Math.max(maxId, watermark.maxId());
        }
    }

    private void remove(String subject, int versionNumber) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return;
        }
        SchemaVersion old = versions.remove(versionNumber);
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        if (old == null) {
            return;
        }
        TreeSet<SchemaVersion> sameId = versionsById.get(old.id());
        if (sameId != null) {
            sameId.remove(old);
            if (sameId.isEmpty()) {
                versionsById.remove(old.id());
                TreeSet<Integer> ids = idsByIdentity.get(old.content().identity());
                if (ids != null) {
                    ids.remove(old.id());
                    if (ids.isEmpty()) {
                        idsByIdentity.remove(old.content().identity());
                    }
                }
            }
        }
    }

    // ---- subjects and versions

    /** Subjects with a live version, or with any version when {@code includeDeleted}; sorted. */
    List<String> subjects(boolean includeDeleted) {
        List<String> result = new ArrayList<>();
        for (var entry : subjects.entrySet()) {
            if (includeDeleted || entry.getValue().values().stream().anyMatch(v -> !v.deleted())) {
                result.add(entry.getKey());
            }
        }
        return result;
    }

    /** True if the subject has a live version, or any version when {@code includeDeleted}. */
    boolean hasSubject(String subject, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return versions != null && (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted()));
    }

    /** The subject's versions in ascending order: live ones, or all when {@code includeDeleted}. */
    List<SchemaVersion> versions(String subject, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    /** One version (not {@code latest}), or null; a soft-deleted one only when {@code includeDeleted}. */
    @Nullable SchemaVersion version(String subject, int version, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        SchemaVersion found = versions == null ? null : versions.get(version);
        return found == null || (found.deleted() && !includeDeleted) ? null : found;
    }

    /** The highest live version, or null. */
    @Nullable SchemaVersion latest(String subject) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return null;
        }
        for (SchemaVersion version : versions.descendingMap().values()) {
            if (!version.deleted()) {
                return version;
            }
        }
        return null;
    }

    /** The version the next registration under the subject gets: one past every version it has. */
    int nextVersion(String subject) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    /** The newest version of the subject holding a schema with this identity, or null. */
    @Nullable SchemaVersion versionWithIdentity(String subject, String identity, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return null;
        }
        for (SchemaVersion version : versions.descendingMap().values()) {
            if ((includeDeleted || !version.deleted()) && version.content().identity().equals(identity)) {
                return version;
            }
        }
        return null;
    }

    // ---- ids

    /** The schema behind an id, while any version (live or soft-deleted) still holds it; else null. */
    @Nullable SchemaContent schemaById(int id) {
        TreeSet<SchemaVersion> versions = versionsById.get(id);
        return versions == null || versions.isEmpty() ? null : versions.first().content();
    }

    /** The versions holding an id, sorted by subject and version. */
    List<SchemaVersion> versionsById(int id, boolean includeDeleted) {
        TreeSet<SchemaVersion> versions = versionsById.get(id);
        if (versions == null) {
            return List.of();
        }
        return versions.stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    /** The id already issued for this schema identity, or null. */
    @Nullable Integer idForIdentity(String identity) {
        TreeSet<Integer> ids = idsByIdentity.get(identity);
        return ids == null || ids.isEmpty() ? null : ids.first();
    }

    /** The highest id ever issued (0 if none). */
    int maxId() {
        return maxId;
    }

    /** Ids of the versions whose references name {@code subject}/{@code version}, ascending. */
    List<Integer> referencedBy(String subject, int version, boolean includeDeleted) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (NavigableMap<Integer, SchemaVersion> versions : subjects.values()) {
            for (SchemaVersion candidate : versions.values()) {
                if (!includeDeleted && candidate.deleted()) {
                    continue;
                }
                for (SchemaReference reference : candidate.content().references()) {
                    if (reference.subject().equals(subject) && reference.version() == version) {
                        ids.add(candidate.id());
                    }
                }
            }
        }
        return List.copyOf(ids);
    }

    /** Subjects other than the referenced one's own whose versions reference {@code subject}/{@code version}. */
    boolean isReferencedFromOtherSubject(String subject, int version, boolean includeDeleted) {
        for (var entry : subjects.entrySet()) {
            if (entry.getKey().equals(subject)) {
                continue;
            }
            for (SchemaVersion candidate : entry.getValue().values()) {
                if ((includeDeleted || !candidate.deleted()) && candidate.content().references().stream()
                        .anyMatch(r -> r.subject().equals(subject) && r.version() == version)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- compatibility levels

    /** The global level as set, or null when it was never set (then {@link #DEFAULT_LEVEL} applies). */
    @Nullable CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The subject's own level, or null. */
    @Nullable CompatibilityLevel subjectLevel(String subject) {
        return subjectLevels.get(subject);
    }

    /** The level a registration under the subject is checked at. */
    CompatibilityLevel effectiveLevel(@Nullable String subject) {
        CompatibilityLevel own = subject == null ? null : subjectLevels.get(subject);
        if (own != null) {
            return own;
        }
        return globalLevel != null ? globalLevel : DEFAULT_LEVEL;
    }
}
