import ClosrModel
import SQLKit

/// Brings a database's schema up to the newest ``Migrations`` step.
///
/// Idempotent: each step runs in its own transaction that takes the schema lock (``StoreLock``) and then
/// checks `schema_migrations`, so running twice, or from two processes or nodes at once, applies every
/// step exactly once.
public struct Migrator: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Applies the steps not yet applied, up to `last` (every step when nil); returns their versions.
    @discardableResult
    public func migrate(through last: Int? = nil) async throws -> [Int] {
        try await store.transaction { db in
            // Two nodes starting together take turns: the second finds every step applied.
            try await db.execute(sql: StoreLock.schema, { _ in })
            try await db.create(table: "schema_migrations")
                .ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
        }
        var applied: [Int] = []
        for migration in Migrations.all where migration.version <= last ?? Int.max {
            let ran = try await store.transaction { db in
                try await db.execute(sql: StoreLock.schema, { _ in })
                let done = try await db.select().column("version").from("schema_migrations")
                    .where("version", .equal, migration.version)
                    .first()
                guard done == nil else { return false }
                try await migration.apply(db)
                try await db.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(migration.version, migration.name, CloseTimestamp.now().microseconds)
                    .run()
                return true
            }
            if ran { applied.append(migration.version) }
        }
        return applied
    }

    /// The versions recorded as applied, oldest first.
    public func appliedVersions() async throws -> [Int] {
        try await store.read { db in
            try await db.select().column("version").from("schema_migrations").orderBy("version")
                .all(decodingColumn: "version", as: Int.self)
        }
    }
}
