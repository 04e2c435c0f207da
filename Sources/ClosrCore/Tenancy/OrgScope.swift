import ClosrModel

/// The only way services reach tenant data: every query it builds is already filtered by
/// `organization_id`, so a service cannot forget the tenant (DESIGN.md "The shape of a request").
public struct OrgScope: Sendable {
    public let organizationID: String
    let store: any Store

    public init(organizationID: String, store: any Store) {
        self.organizationID = organizationID
        self.store = store
    }

    /// Runs `body` with read access to this organization's rows.
    public func read<T: Sendable>(_ body: @Sendable (TenantDatabase) async throws -> T) async throws -> T {
        let organizationID = self.organizationID
        let accounts = store.accountChanges
        let leadCount = store.leadCountChanges
        return try await store.read { sql in
            try await body(TenantDatabase(organizationID: organizationID, sql: sql, accountChanges: accounts, leadCountChanges: leadCount))
        }
    }

    /// Runs `body` in one transaction over this organization's rows.
    public func write<T: Sendable>(_ body: @Sendable (TenantDatabase) async throws -> T) async throws -> T {
        let organizationID = self.organizationID
        let accounts = store.accountChanges
        return try await store.transaction { sql in
            // Configuration may come from the cache (no write path changes it and reads it back in one
            // transaction); lead counts are always counted fresh inside a write.
            try await body(TenantDatabase(organizationID: organizationID, sql: sql, accountChanges: accounts))
        }
    }

    /// A row for `table` with this organization's id, for ``insert(_:)``.
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

    /// Inserts rows, committed together with those of other requests arriving at the same time
    /// (``InsertBatcher``), provided the required rows still exist then; returns once committed.
    func insert(_ rows: [TenantRow], requiring requirements: [TenantRequirement] = []) async throws {
        try await store.insertBatcher.insert(rows, requiring: requirements, into: store)
    }
}
