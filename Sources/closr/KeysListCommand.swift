import ArgumentParser
import ClosrCore
import ClosrModel

/// `closr keys list`: every key of the organization as a table — never a secret, only its preview.
struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the organization's API keys: id, label, preview, scopes, created, last used, status."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let keys = try await AdminContext.with(database) { admin in
            try await admin.services.apiKeys.list(in: admin.scope, ownerID: nil, skip: 0, limit: 10_000).keys
        }
        let header = ["ID", "LABEL", "PREVIEW", "SCOPES", "CREATED", "LAST USED", "STATUS"]
        let rows = keys.map { key in
            [
                key.id, key.label, key.preview + "…", key.scopes.map(\.rawValue).joined(separator: ","),
                Self.short(key.dateCreated), key.lastUsed.map { Self.short($0.date) + ($0.ip.map { " from \($0)" } ?? "") } ?? "never",
                key.status.rawValue,
            ]
        }
        for line in TextTable.render(header: header, rows: rows) { CLIOutput.line(line) }
    }

    /// `2024-03-01 14:05` in UTC: enough to recognise a key, narrow enough for a terminal.
    static func short(_ timestamp: CloseTimestamp) -> String {
        let iso = timestamp.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
    }
}
