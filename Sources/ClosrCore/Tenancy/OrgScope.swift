import ClosrModel

/// The only way services reach tenant data: every query it builds is already filtered by
/// `organization_id`, so a service cannot forget the tenant (DESIGN.md "The shape of a request").
public struct OrgScope: Sendable {
    public let organizationID: String
    let store: any Store
    /// The caches reads may use; nil for a scope that must always read the database.
    let caches: CoreCaches?
    /// The versions read at key verification, used by this request's first read (saving PostgreSQL a
    /// round trip) and then forgotten, so later reads and long-lived scopes always read them anew.
    private let memo: VersionsMemo

    public init(organizationID: String, store: any Store, caches: CoreCaches? = nil) {
        self.init(organizationID: organizationID, store: store, caches: caches, versions: nil)
    }

    init(organizationID: String, store: any Store, caches: CoreCaches?, versions: StoreVersions?) {
        self.organizationID = organizationID
        self.store = store
        self.caches = caches
        self.memo = VersionsMemo(versions)
    }

    /// The versions caches are checked against: those read at verification the first time, else read now.
    func versions() async throws -> StoreVersions {
        if let versions = memo.take() { return versions }
        return try await store.versions()
    }

    private func cachedReads(countsFromCache: Bool) async throws -> TenantDatabase.CachedReads? {
        guard let caches else { return nil }
        return TenantDatabase.CachedReads(caches: caches, versions: try await versions(), countsFromCache: countsFromCache)
    }

    /// Runs `body` with read access to this organization's rows.
    public func read<T: Sendable>(_ body: @Sendable (TenantDatabase) async throws -> T) async throws -> T {
        let organizationID = self.organizationID
        let cached = try await cachedReads(countsFromCache: true)
        return try await store.read { sql in
            try await body(TenantDatabase(organizationID: organizationID, sql: sql, cached: cached))
        }
    }

    /// Runs `body` with read access to this organization's rows and no cache: nothing needs checking
    /// against the store's versions, so PostgreSQL is spared reading them — for a read of rows no cache
    /// holds (an inbound post's email lookup) in a request that already has what it needs from the caches.
    public func readRows<T: Sendable>(_ body: @Sendable (TenantDatabase) async throws -> T) async throws -> T {
        let organizationID = self.organizationID
        return try await store.read { sql in try await body(TenantDatabase(organizationID: organizationID, sql: sql)) }
    }

    /// Runs `body` with read access to this organization's rows for a read that may be slow (a search):
    /// away from other requests' reads, each statement stopped at `deadline`
    /// (``Store/boundedRead(lane:deadline:_:)``), one at a time for this organization.
    public func boundedRead<T: Sendable>(deadline: Duration, _ body: @Sendable (TenantDatabase) async throws -> T) async throws -> T {
        let organizationID = self.organizationID
        let cached = try await cachedReads(countsFromCache: true)
        return try await store.boundedRead(lane: organizationID, deadline: deadline) { sql in
            try await body(TenantDatabase(organizationID: organizationID, sql: sql, cached: cached))
        }
    }

    /// Runs `body` in one transaction over this organization's rows.
    public func write<T: Sendable>(_ body: @Sendable (TenantDatabase) async throws -> T) async throws -> T {
        let organizationID = self.organizationID
        // Configuration may come from the cache (no write path changes it and reads it back in one
        // transaction); lead counts are always counted fresh inside a write.
        let cached = try await cachedReads(countsFromCache: false)
        return try await store.transaction { sql in
            try await body(TenantDatabase(organizationID: organizationID, sql: sql, cached: cached))
        }
    }

    /// A row for `table` with this organization's id, for ``insert(_:requiring:)``.
    func row(into table: TenantTable, _ columns: [(column: String, value: any Encodable & Sendable)]) -> TenantRow {
        TenantRow(
            table: table, columns: ["organization_id"] + columns.map(\.column),
            values: [organizationID as any Encodable & Sendable] + columns.map(\.value)
        )
    }

    /// A row of this organization that must still exist when ``insert(_:requiring:)`` commits.
    func requirement(_ table: TenantTable, id: String, else error: CloseError) -> TenantRequirement {
        TenantRequirement(table: table, organizationID: organizationID, id: id, error: error)
    }

    /// Inserts rows, committed together with those of other requests arriving at the same time, provided
    /// the required rows still exist then; returns once committed.
    func insert(_ rows: [TenantRow], requiring requirements: [TenantRequirement] = []) async throws {
        try await store.insert(rows, requiring: requirements)
    }
}
