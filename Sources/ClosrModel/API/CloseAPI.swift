import Foundation

/// The Close API v1 as one typed interface, whatever carries the requests.
///
/// A conformer only sends one request and hands back the answer's body (2xx) or throws the answer's
/// ``CloseError``; everything typed — ``Resource``s of leads, contacts, opportunities…, their pages, the
/// event log, `me/` and `user/` — is written once on top of that, in extensions of this protocol. Two
/// conformers exist: `ClosrClient` sends over HTTP to any Close-compatible base URL (Closr or Close itself),
/// and the server's own in-process API dispatches to its routes without a socket, so the MCP tools at `/mcp`
/// run the same code as `closr mcp` does against a remote server, and each of their calls is an ordinary
/// API request of the caller's key (authentication, scopes, rate limit, last use, audit).
public protocol CloseAPI: Sendable {
    /// Sends one request to `path`, relative to `/api/v1/` (`lead/`, `lead/lead_x/`), with its query
    /// (already split into names and values, not encoded) and an optional JSON body.
    func send(_ method: CloseMethod, _ path: String, query: [(String, String)], body: JSONValue?) async throws -> [UInt8]
}

/// The HTTP methods the Close API uses.
public enum CloseMethod: String, Sendable {
    case GET, POST, PUT, DELETE

    /// Safe to send again after a failure that may or may not have reached the server.
    public var isIdempotent: Bool { self != .POST }
}

/// A 2xx answer that is not what the request asked for (a server that is not the Close API, or a
/// different version of it).
public struct UnreadableAnswer: Error, Sendable, CustomStringConvertible {
    public let type: String
    public let reason: String

    public init(type: String, reason: String) {
        self.type = type
        self.reason = reason
    }

    public var description: String { "The answer is not a \(type): \(reason)" }
}

extension CloseAPI {
    public func send(_ method: CloseMethod, _ path: String, query: [(String, String)] = []) async throws -> [UInt8] {
        try await send(method, path, query: query, body: nil)
    }

    public func send(_ method: CloseMethod, _ path: String, body: JSONValue) async throws -> [UInt8] {
        try await send(method, path, query: [], body: body)
    }

    /// Reads an answer into a wire type.
    public func get<T: WireDecodable>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws -> T {
        try CloseAPIDecoding.decode(T.self, try await send(.GET, path, query: query))
    }
}

/// Reading answers into types, and writing ids into paths, the same way for every conformer.
public enum CloseAPIDecoding {
    public static func decode<T: WireDecodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        do {
            return try T(json: body)
        } catch {
            throw UnreadableAnswer(type: String(describing: T.self), reason: String(describing: error))
        }
    }

    /// The account types (`Me`, `User`) decode with `Decodable` alone.
    public static func decodeAccount<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw UnreadableAnswer(type: String(describing: T.self), reason: String(describing: error))
        }
    }

    /// `?name=value&…`, each part percent-encoded; empty for no parameters.
    public static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { percentEncoded($0) + "=" + percentEncoded($1) }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded (`+` too: Close reads it as a
    /// space). An id written into a path this way is one segment: it cannot reach another endpoint
    /// (`../me`) or add a query (`x/?_fields=id`).
    public static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
