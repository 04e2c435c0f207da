import ClosrModel
import SQLKit

/// `total_results` of lead lists. Counting a million leads takes longer than reading a page, so the
/// unfiltered count is kept per organization while the lead-count version (moved by every create,
/// delete and merge, in any process or node) has not moved; filtered counts are counted.
enum LeadCount {
    /// `filtered` is the count query for a filtered list, nil for every lead of the organization.
    static func total(_ filtered: SQLSelectBuilder?, in db: TenantDatabase) async throws -> Int {
        if let filtered { return try await filtered.first(decodingColumn: "n", as: Int.self) ?? 0 }
        let cached = db.cached.flatMap { $0.countsFromCache ? $0 : nil }
        let version = cached?.versions[.leadCount]
        if let cached, let version, let count = cached.caches.leadCounts.value(for: db.organizationID, version: version) {
            return count
        }
        let count = try await db.select(from: .leads).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        if let cached, let version { cached.caches.leadCounts.store(count, for: db.organizationID, version: version) }
        return count
    }
}
