import ClosrMCP
import ClosrModel

/// Which MCP tools a caller may see and call: what the key's scopes allow, narrowed by Close's
/// `Close-Scope` header when it is sent.
///
/// A `full` key allows every tool, a `read_only` key the `mcp.read` tools, an `inbound` key (made to be
/// embedded in web pages) none: it is refused. `Close-Scope` names one of Close's levels, each including
/// the ones below it — `mcp.read`, `mcp.write_safe` (adds creating), `mcp.write_destructive` (adds
/// updating and deleting). Without it an agent may only read (Close documents the header beside its key
/// header but not its absence; the least privilege is the safe reading). Named more than once (repeated
/// headers, or values separated by commas or spaces), the narrowest wins, so a proxy that adds
/// `Close-Scope: mcp.read` cannot be widened by a header the client adds.
enum MCPAccess {
    static func tools(keyScopes: Set<APIKeyScope>, closeScope: [String]) throws -> Set<ToolAccess> {
        let allowed = ToolAccess.allowed(byKeyScopes: Set(keyScopes.map(\.rawValue)))
        guard !allowed.isEmpty else {
            throw CloseError.forbidden("This API key has the inbound scope: it cannot use MCP. Use a full or read_only key.")
        }
        guard !closeScope.isEmpty else { return allowed.intersection([.read]) }
        var requested = Set(ToolAccess.allCases)
        var named = false
        for name in closeScope.joined(separator: ",").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
            switch name {
            case "mcp.read": requested.formIntersection([.read])
            case "mcp.write_safe": requested.formIntersection([.read, .writeSafe])
            case "mcp.write_destructive": break
            case "offline_access": continue
            default:
                throw CloseError.badRequest("Close-Scope \"\(name)\" is not a scope: use mcp.read, mcp.write_safe or mcp.write_destructive.")
            }
            named = true
        }
        guard named else {
            throw CloseError.badRequest("Close-Scope is empty: use mcp.read, mcp.write_safe or mcp.write_destructive.")
        }
        return allowed.intersection(requested)
    }
}
