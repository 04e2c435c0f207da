import AsyncHTTPClient
import ClosrModel
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the Close API v1 — Closr's, or Close's own — on AsyncHTTPClient: the HTTP conformer of
/// ``CloseAPI``, so every typed call (`leads`, `opportunities`, `events()`, `me()`…) works through it.
///
/// It authenticates as Close's clients do (the key as the HTTP Basic username), reads answers into the
/// same wire types the server writes (``WireDecodable``), and turns error answers into ``CloseError``
/// with their field errors. It waits out 429s for as long as the answer says (`Retry-After`, or the
/// body's `rate_reset`), retries requests that are safe to repeat (GET, PUT, DELETE) after connection
/// errors and 5xx answers with exponential back-off, and bounds every request with a timeout.
///
/// ```swift
/// let close = ClosrClient(baseURL: "http://127.0.0.1:8080/api/v1/", apiKey: key)
/// let lead = try await close.leads.create(["name": "Acme", "contacts": [["name": "Wile"]]])
/// for try await lead in close.leads.list(query: [("query", "acme")]) { print(lead.displayName) }
/// try await close.leads.delete(lead.id)
/// ```
public struct ClosrClient: CloseAPI {
    /// Where to send requests and how patiently.
    public struct Configuration: Sendable {
        /// The API's base, ending in `/api/v1/` (`https://api.close.com/api/v1/` for Close).
        public var baseURL: String
        public var apiKey: String
        /// Each request's deadline, from sending to the whole answer.
        public var timeout: Duration = .seconds(30)
        /// Retries of a GET, PUT or DELETE after a connection error or a 5xx answer.
        public var maxRetries = 3
        /// The first retry's wait; each next one doubles it.
        public var retryBackoff: Duration = .milliseconds(250)
        /// How many 429s in a row to wait out before giving up with the 429 as a ``CloseError``.
        public var maxRateLimitWaits = 5
        /// The longest a single 429 wait may be; a longer reset is given up on at once.
        public var maxRateLimitWait: Duration = .seconds(120)
        public var userAgent = "closr-swift-client/1"

        public init(baseURL: String, apiKey: String) {
            self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
            self.apiKey = apiKey
        }
    }

    public let configuration: Configuration
    private let http: HTTPClient

    public init(configuration: Configuration, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.http = httpClient
    }

    public init(baseURL: String, apiKey: String, httpClient: HTTPClient = .shared) {
        self.init(configuration: Configuration(baseURL: baseURL, apiKey: apiKey), httpClient: httpClient)
    }

    /// Sends one request to `path` (relative to the base URL) and returns the answer's body on 2xx; an
    /// error answer throws its ``CloseError``, a failure to get any answer ``ClosrClientError``.
    public func send(_ method: CloseMethod, _ path: String, query: [(String, String)], body: JSONValue?) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: configuration.baseURL + path + CloseAPIDecoding.queryString(query))
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Basic " + Data("\(configuration.apiKey):".utf8).base64EncodedString())
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        let idempotent = method.isIdempotent
        var failures = 0
        var rateLimitWaits = 0
        while true {
            let answer: (status: Int, body: [UInt8], retryAfter: String?)
            do {
                answer = try await execute(request)
            } catch let error as ClosrClientError {
                guard idempotent, failures < configuration.maxRetries else { throw error }
                failures += 1
                try await Task.sleep(for: backoff(failures))
                continue
            }
            switch answer.status {
            case 200..<300:
                return answer.body
            case 429:
                let error = CloseErrorBody.error(status: 429, body: answer.body, retryAfter: answer.retryAfter)
                let wait = Duration.seconds(max(1, error.rateLimit?.resetSeconds ?? 1))
                guard rateLimitWaits < configuration.maxRateLimitWaits, wait <= configuration.maxRateLimitWait else { throw error }
                rateLimitWaits += 1
                try await Task.sleep(for: wait)
            case 500...:
                let error = CloseErrorBody.error(status: answer.status, body: answer.body)
                guard idempotent, failures < configuration.maxRetries else { throw error }
                failures += 1
                try await Task.sleep(for: backoff(failures))
            default:
                throw CloseErrorBody.error(status: answer.status, body: answer.body)
            }
        }
    }

    private func execute(_ request: HTTPClientRequest) async throws -> (status: Int, body: [UInt8], retryAfter: String?) {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(configuration.timeout.components.seconds) * 1_000_000_000
            + configuration.timeout.components.attoseconds / 1_000_000_000)
        do {
            let response = try await http.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
            // `Retry-After` in seconds, else the `reset=` of Close's `RateLimit` header.
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) != nil ? $0 : nil }
                ?? response.headers.first(name: "RateLimit").flatMap(Self.rateLimitReset)
            return (Int(response.status.code), Array(body.readableBytesView), retryAfter)
        } catch {
            throw ClosrClientError.transport(method: request.method.rawValue, url: request.url, underlying: String(describing: error))
        }
    }

    /// `limit=100, remaining=0, reset=7` → `7`.
    static func rateLimitReset(_ header: String) -> String? {
        header.split(separator: ",").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("reset=") }.map { String($0.dropFirst(6)) }.flatMap { Int($0) != nil ? $0 : nil }
    }

    private func backoff(_ attempt: Int) -> Duration {
        configuration.retryBackoff * (1 << min(attempt - 1, 10))
    }
}

/// A request that got no usable answer.
public enum ClosrClientError: Error, Sendable, CustomStringConvertible {
    /// No answer: the connection failed, was reset, or the deadline passed (after any retries).
    case transport(method: String, url: String, underlying: String)

    public var description: String {
        switch self {
        case .transport(let method, let url, let underlying): return "\(method) \(url) got no answer: \(underlying)"
        }
    }
}
