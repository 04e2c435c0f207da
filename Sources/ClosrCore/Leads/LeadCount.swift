import ClosrModel
import SQLKit
import Synchronization

/// `total_results` of lead lists. Counting a million leads takes longer than reading a page, so the
/// unfiltered count is kept per organization while the lead-count signal (moved by every create,
/// delete and merge, in any process sharing the database) has not moved; filtered counts are counted.
enum LeadCount {
    private static let cache = Mutex<[String: (signal: UInt64, count: Int)]>([:])

    /// `filtered` is the count query for a filtered list, nil for every lead of the organization.
    static func total(_ filtered: SQLSelectBuilder?, in db: TenantDatabase) async throws -> Int {
        if let filtered { return try await filtered.first(decodingColumn: "n", as: Int.self) ?? 0 }
        let signal = db.leadCountChanges?.current()
        if let signal, let cached = cache.withLock({ $0[db.organizationID] }), cached.signal == signal {
            return cached.count
        }
        let count = try await db.select(from: .leads).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        if let signal {
            cache.withLock { cache in
                if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
                cache[db.organizationID] = (signal, count)
            }
        }
        return count
    }
}
