import ClosrModel
import SQLKit

/// A page of a lead list: its ids in order and the list's total, with the leads read on demand, a
/// batch at a time (``LeadService/page(query:skip:limit:in:)``).
///
/// A page used to be one statement whose rows all lived until the response was written: 300 leads of
/// 1,000 contacts each were a 190 MB page held several times over, and eight such reads at once took
/// the server from 0.9 GB to 2.96 GB. Reading and writing a batch at a time holds one batch.
public struct LeadPage: Sendable {
    public let ids: [String]
    public let total: Int
    let scope: OrgScope

    /// Batches are read with one of these statement shapes (the ids padded with a repeat of the last
    /// one), so the statements each connection prepares stay few.
    static let batchSizes = [1, 5, 25, 100, 250, 1000]

    /// The leads with `ids`, in the order given; a lead deleted since the ids were read is left out.
    public func leads(_ ids: ArraySlice<String>) async throws -> [Lead] {
        guard let last = ids.last else { return [] }
        let size = Self.batchSizes.first { $0 >= ids.count } ?? ids.count
        let padded = Array(ids) + Array(repeating: last, count: size - ids.count)
        let (directory, graphs) = try await scope.read { db in
            let graphs = try await LeadGraph.columns(db.select(from: .leads))
                .where(SQLColumn("id", table: "leads"), .in, SQLBind.group(padded))
                .all(LeadGraph.self)
            return (try await CRMDirectory.load(db), graphs)
        }
        let byID = Dictionary(graphs.map { ($0.lead.id, $0) }, uniquingKeysWith: { first, _ in first })
        return directory.leads(ids.compactMap { byID[$0] })
    }
}
