import ArgumentParser
import ClosrClient
import ClosrModel
import Foundation

/// A resource the client commands manage: its name, how a client reaches it, and its table's columns.
protocol CLIResource {
    associatedtype Object: WireDecodable & JSONRepresentable & Sendable
    static var name: String { get }
    static var plural: String { get }
    static func resource(_ client: ClosrClient) -> Resource<Object>
    static var columns: [(title: String, cell: @Sendable (Object) -> String)] { get }
    /// What `list` may filter by, as query parameters (`--filter name=value`).
    static var filterHelp: String { get }
}

/// `closr <resource> list`: every object, page by page, as a table or JSON lines.
struct ListCommand<R: CLIResource>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "List \(R.plural), page by page to the end (or --limit).")
    }

    @OptionGroup var client: ClientOptions

    @Option(name: .customLong("filter"), help: ArgumentHelp("A query parameter as name=value (repeatable): \(R.filterHelp).", valueName: "name=value"))
    var filters: [String] = []

    @Option(help: "Stop after this many.")
    var limit: Int?

    func run() async throws {
        let query = try filters.map { filter -> (String, String) in
            guard let equals = filter.firstIndex(of: "=") else { throw ValidationError("--filter takes name=value, not \"\(filter)\".") }
            return (String(filter[..<equals]), String(filter[filter.index(after: equals)...]))
        }
        if let limit, limit < 1 { throw ValidationError("--limit takes a whole number of at least 1.") }
        let api = try client.client()
        let objects = try await CommandFailure.reported {
            var objects: [R.Object] = []
            let progress = Progress(noun: R.plural)
            for try await object in R.resource(api).list(query: query, pageSize: min(limit ?? 200, 200)) {
                objects.append(object)
                progress.update(objects.count)
                if let limit, objects.count >= limit { break }
            }
            progress.finish()
            return objects
        }
        if client.json {
            for object in objects { CLIOutput.line(String(decoding: object.jsonValue.serialized(), as: UTF8.self)) }
        } else {
            let rows = objects.map { object in R.columns.map { $0.cell(object) } }
            for line in TextTable.render(header: R.columns.map(\.title), rows: rows) { CLIOutput.line(line) }
        }
    }
}

/// `closr <resource> get ID`.
struct GetCommand<R: CLIResource>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "get", abstract: "Show one \(R.name).") }

    @OptionGroup var client: ClientOptions
    @Argument(help: "The \(R.name)'s id.") var id: String

    func run() async throws {
        let api = try client.client()
        let object = try await CommandFailure.reported { try await R.resource(api).get(id) }
        ObjectOutput.print(object, json: client.json, columns: R.columns)
    }
}

/// `closr <resource> create --set name=value … | --data JSON`.
struct CreateCommand<R: CLIResource>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "create", abstract: "Create a \(R.name) from --set name=value members or --data JSON, in Close's shape.")
    }

    @OptionGroup var client: ClientOptions
    @OptionGroup var body: BodyOptions

    func run() async throws {
        let api = try client.client()
        let body = try body.body()
        let object = try await CommandFailure.reported { try await R.resource(api).create(body) }
        ObjectOutput.print(object, json: client.json, columns: R.columns)
    }
}

/// `closr <resource> update ID --set name=value …`.
struct UpdateCommand<R: CLIResource>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "update", abstract: "Change the members given of one \(R.name).")
    }

    @OptionGroup var client: ClientOptions
    @Argument(help: "The \(R.name)'s id.") var id: String
    @OptionGroup var body: BodyOptions

    func run() async throws {
        let api = try client.client()
        let body = try body.body()
        let object = try await CommandFailure.reported { try await R.resource(api).update(id, body) }
        ObjectOutput.print(object, json: client.json, columns: R.columns)
    }
}

/// `closr <resource> delete ID`.
struct DeleteCommand<R: CLIResource>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "delete", abstract: "Delete one \(R.name).") }

    @OptionGroup var client: ClientOptions
    @Argument(help: "The \(R.name)'s id.") var id: String

    func run() async throws {
        let api = try client.client()
        try await CommandFailure.reported { try await R.resource(api).delete(id) }
        CLIOutput.line(client.json ? String(decoding: JSONValue.object([("deleted", .string(id))]).serialized(), as: UTF8.self) : "Deleted \(R.name) \(id).")
    }
}

/// One object: JSON, or its columns one per line.
enum ObjectOutput {
    static func print<Object: JSONRepresentable>(_ object: Object, json: Bool, columns: [(title: String, cell: @Sendable (Object) -> String)]) {
        if json {
            CLIOutput.line(String(decoding: object.jsonValue.serialized(), as: UTF8.self))
            return
        }
        let width = columns.map(\.title.count).max() ?? 0
        for column in columns {
            CLIOutput.line(column.title + String(repeating: " ", count: width - column.title.count) + "  " + column.cell(object))
        }
    }
}

/// "Fetched 1,200 leads…" on stderr while a long listing runs, when stderr is a terminal.
final class Progress {
    private let noun: String
    private let visible = isatty(FileHandle.standardError.fileDescriptor) != 0
    private var shown = false

    init(noun: String) { self.noun = noun }

    func update(_ count: Int) {
        guard visible, count % 100 == 0 else { return }
        shown = true
        FileHandle.standardError.write(Data("\rFetched \(count) \(noun)…".utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
