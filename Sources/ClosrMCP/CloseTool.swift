import ClosrModel

/// What a tool may do, as Close's MCP scopes name it: a key that may only read sees only read tools.
public enum ToolAccess: String, Sendable, CaseIterable {
    case read = "mcp.read"
    case writeSafe = "mcp.write_safe"
    case destructive = "mcp.write_destructive"

    /// What a Closr key's scopes allow: `full` every tool, `read_only` the read tools, anything else
    /// (`inbound`) none.
    public static func allowed(byKeyScopes scopes: Set<String>) -> Set<ToolAccess> {
        if scopes.contains("full") { return Set(allCases) }
        if scopes.contains("read_only") { return [.read] }
        return []
    }
}

/// One MCP tool: Close's name and argument names, a JSON Schema, and what it does through the API.
struct CloseTool: Sendable {
    let name: String
    let description: String
    let access: ToolAccess
    let properties: [(String, JSONValue)]
    let required: [String]
    let run: @Sendable (ToolArguments, any CloseAPI) async throws -> ToolOutput

    var inputSchema: JSONValue {
        .object([
            ("type", "object"), ("properties", .object(properties)), ("required", .array(required.map(JSONValue.string))),
            ("additionalProperties", false),
        ])
    }

    var argumentNames: Set<String> { Set(properties.map(\.0)) }
}

/// A tool's result: a short sentence for the model and the data as structured JSON (an object).
struct ToolOutput: Sendable {
    let summary: String
    let data: JSONValue
}

/// How a tool call ended.
enum ToolOutcome: Sendable {
    case output(ToolOutput)
    /// A tool error: the message the model reads.
    case failure(String)

    /// MCP's `CallToolResult`: the summary, the data as JSON text (for clients that read only text) and as
    /// `structuredContent`; or the message with `isError`.
    var result: JSONValue {
        switch self {
        case .output(let output):
            return .object([
                ("content", .array([
                    .object([("type", "text"), ("text", .string(output.summary))]),
                    .object([("type", "text"), ("text", .string(String(decoding: output.data.serialized(), as: UTF8.self)))]),
                ])),
                ("structuredContent", output.data), ("isError", false),
            ])
        case .failure(let message):
            return .object([("content", .array([.object([("type", "text"), ("text", .string(message))])])), ("isError", true)])
        }
    }
}

/// JSON Schema fragments for tool arguments.
enum Schema {
    static func string(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }
    static func integer(_ description: String, minimum: Int, maximum: Int) -> JSONValue {
        ["type": "integer", "description": .string(description), "minimum": .int(minimum), "maximum": .int(maximum)]
    }
    static func boolean(_ description: String) -> JSONValue { ["type": "boolean", "description": .string(description)] }
    static func list(_ description: String, of item: JSONValue) -> JSONValue { ["type": "array", "description": .string(description), "items": item] }
    static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
    }

    static func dateRange(_ description: String) -> JSONValue {
        let bound = string("A date (2026-12-24) or an ISO 8601 date-time.")
        return [
            "type": "object", "description": .string(description + " Bounds: gte, gt, lte, lt (start and end mean gte and lte)."),
            "properties": ["gte": bound, "gt": bound, "lte": bound, "lt": bound, "start": bound, "end": bound],
            "additionalProperties": false,
        ]
    }

    static let id = string("The object's id.")
    static let cursor = string("Where the previous page ended (its `cursor`); omit for the first page.")
    static let limit = integer("How many to return (default 25).", minimum: 1, maximum: 100)
    static let emails = list("Email addresses.", of: object([("email", string("The address.")), ("type", string("office, mobile, home, direct or other."))], required: ["email"]))
    static let phones = list("Phone numbers.", of: object([("phone", string("The number, E.164 preferred.")), ("type", string("office, mobile, home, direct, fax or other."))], required: ["phone"]))
    static let urls = list("Web addresses.", of: object([("url", string("The address.")), ("type", string("url"))], required: ["url"]))
    static let customFields = list("Custom field values.", of: object([("id", string("The custom field's id (cf_…).")), ("value", ["description": "The value."])], required: ["id"]))
}
