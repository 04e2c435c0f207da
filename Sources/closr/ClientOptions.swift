import ArgumentParser
import ClosrClient
import ClosrModel
import Foundation

/// Where the client commands (`closr lead …`, `closr contact …`, `closr opportunity …`) send their
/// requests: any Close-compatible API — a Closr server, or Close itself — with a key.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The API's base URL (environment: CLOSR_URL; default http://127.0.0.1:8080/api/v1/).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("The API key (environment: CLOSR_API_KEY).", valueName: "key"))
    var apiKey: String?

    @Flag(help: "Print JSON (one object, or one object per line for lists) instead of a table.")
    var json = false

    func client() throws -> ClosrClient {
        let environment = ProcessInfo.processInfo.environment
        guard let key = apiKey ?? environment["CLOSR_API_KEY"], !key.isEmpty else {
            throw ValidationError("Give the API key with --api-key or CLOSR_API_KEY.")
        }
        var base = url ?? environment["CLOSR_URL"] ?? "http://127.0.0.1:8080/api/v1/"
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { throw ValidationError("--url must start with http:// or https://.") }
        // A bare server address is taken to mean its API.
        if !base.contains("/api/") { base = (base.hasSuffix("/") ? base : base + "/") + "api/v1/" }
        return ClosrClient(baseURL: base, apiKey: key)
    }
}

/// A request body from `--data JSON` and repeated `--set name=value` (a value that is JSON — a number,
/// `true`, a list — is taken as such, anything else as text).
struct BodyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The body as a JSON object.", valueName: "json"))
    var data: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("A member of the body, as name=value (repeatable).", valueName: "name=value"))
    var members: [String] = []

    func body() throws -> JSONValue {
        var object: [(String, JSONValue)] = []
        if let data {
            guard let parsed = try? JSONValue(parsing: Array(data.utf8)), let members = parsed.objectMembers else {
                throw ValidationError("--data must be a JSON object.")
            }
            object = members
        }
        for member in members {
            guard let equals = member.firstIndex(of: "="), equals != member.startIndex else {
                throw ValidationError("--set takes name=value, not \"\(member)\".")
            }
            let name = String(member[..<equals])
            let text = String(member[member.index(after: equals)...])
            let value = (try? JSONValue(parsing: Array(text.utf8))).flatMap { $0.objectMembers == nil ? $0 : nil } ?? .string(text)
            object.removeAll { $0.0 == name }
            object.append((name, value))
        }
        guard !object.isEmpty else { throw ValidationError("Give the body with --data or --set.") }
        return .object(object)
    }
}
