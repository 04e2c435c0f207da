import ClosrModel
import SQLKit
import Synchronization

/// `total_results` of lead lists. Counting a million leads takes longer than reading a page, so the
/// unfiltered count is kept per organization while the lead-count version (moved by every create,
/// delete and merge, in any process or node) has not moved; filtered counts are counted.
enum LeadCount {
    /// `filtered` is the count query for a filtered list, nil for every lead of the organization.
    static func total(_ filtered: SQLSelectBuilder?, in db: TenantDatabase) async throws -> Int {
        if let filtered { return try await filtered.first(decodingColumn: "n", as: Int.self) ?? 0 }
        let cached = db.cached.flatMap { $0.countsFromCache ? $0 : nil }
        let version = cached?.versions[.leadCount]
        if let cached, let version, let count = cached.caches.leadCounts.count(db.organizationID, version: version) {
            return count
        }
        let count = try await db.select(from: .leads).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        if let cached, let version { cached.caches.leadCounts.store(count, for: db.organizationID, version: version) }
        return count
    }
}

/// Unfiltered lead counts by organization, each for one lead-count version.
final class LeadCountCache: Sendable {
    private let entries = Mutex<[String: (version: UInt64, count: Int)]>([:])

    func count(_ organizationID: String, version: UInt64) -> Int? {
        entries.withLock { entries in
            guard let entry = entries[organizationID], entry.version == version else { return nil }
            return entry.count
        }
    }

    func store(_ count: Int, for organizationID: String, version: UInt64) {
        entries.withLock { entries in
            if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[organizationID] = (version, count)
        }
    }
}
