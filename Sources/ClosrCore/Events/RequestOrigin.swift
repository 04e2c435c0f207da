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
