import Foundation
import ClosrModel

/// Who is making a change and from where, as recorded in the event log. Built by the HTTP layer from the
/// request, or by the CLI for changes made at the command line.
public struct RequestOrigin: Sendable {
    public var userID: String?
    public var apiKeyID: String?
    public var requestID: String?
    public var ip: String?
    public var userAgent: String?
    public var method: String?
    public var path: String?
    /// The caller's offset from UTC in seconds (Close's `X-TZ-Offset` header, in hours): what "today"
    /// means for them, e.g. for the `date_won` filled in when an opportunity is won.
    public var utcOffsetSeconds: Int = 0

    public init(
        userID: String? = nil, apiKeyID: String? = nil, requestID: String? = nil, ip: String? = nil,
        userAgent: String? = nil, method: String? = nil, path: String? = nil
    ) {
        self.userID = userID
        self.apiKeyID = apiKeyID
        self.requestID = requestID
        self.ip = ip
        self.userAgent = userAgent
        self.method = method
        self.path = path
    }

    /// Today's date (`YYYY-MM-DD`) where the caller is.
    var today: String {
        String(CloseTimestamp(microseconds: CloseTimestamp.now().microseconds + Int64(utcOffsetSeconds) * 1_000_000).iso8601.prefix(10))
    }

    /// Seconds east of UTC from an `X-TZ-Offset` value in hours (`-7.0`, `5.5`); nil unless it is a real
    /// offset (between -14 and +14 hours).
    public static func utcOffsetSeconds(fromHours text: String) -> Int? {
        guard let hours = Double(text.trimmingCharacters(in: .whitespaces)), hours.isFinite, abs(hours) <= 14 else { return nil }
        return Int((hours * 3600).rounded())
    }

    /// A change made with the `closr` command on the server's machine.
    public static func commandLine(userID: String?) -> RequestOrigin {
        RequestOrigin(userID: userID, userAgent: "closr-cli", method: "CLI")
    }

    var meta: JSONValue {
        .object([
            ("request_path", .string(path)), ("request_method", .string(method)),
            ("ip", .string(ip)), ("user_agent", .string(userAgent)),
        ])
    }
}
