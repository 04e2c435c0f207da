import SQLKit

/// A statement for a hot path, written once as text instead of built and serialized on every request
/// (SQLKit's builder and serializer were a twentieth of reading a lead by id).
///
/// The tenant filter is still there by construction: the text up to the first value must end with
/// `organization_id = `, and ``TenantDatabase`` binds the organization there; the caller's values fill
/// the following places in order. Values are always bound, never spliced into the text.
struct TenantStatement: Sendable {
    private let parts: [String]

    /// `parts` are the text between values: `parts[0]` ends with `organization_id = `, and there is
    /// one part more than there are values (the organization counts as the first value).
    init(_ parts: [String]) {
        precondition(parts.count >= 2 && parts[0].hasSuffix("organization_id = "), "a tenant statement starts with its tenant filter")
        self.parts = parts
    }

    var valueCount: Int { parts.count - 2 }

    fileprivate func expression(organizationID: String, values: [any Encodable & Sendable]) -> some SQLExpression {
        Bound(parts: parts, values: [organizationID] + values)
    }

    private struct Bound: SQLExpression {
        let parts: [String]
        let values: [any Encodable & Sendable]

        func serialize(to serializer: inout SQLSerializer) {
            for (index, part) in parts.enumerated() {
                serializer.write(part)
                if index < values.count { serializer.write(bind: values[index]) }
            }
        }
    }
}

extension TenantDatabase {
    /// The rows of a ``TenantStatement`` for this organization.
    func rows<Row: ColumnDecodable>(_ statement: TenantStatement, _ values: any Encodable & Sendable..., as type: Row.Type) async throws -> [Row] {
        precondition(values.count == statement.valueCount, "a tenant statement takes exactly its values")
        nonisolated(unsafe) var collected: [any SQLRow] = []
        try await sql.execute(sql: statement.expression(organizationID: organizationID, values: values)) { collected.append($0) }
        return try collected.map { try Row(RowColumns(row: $0)) }
    }
}
