import ArgumentParser
import ClosrClient
import ClosrMCP

/// `closr mcp --url BASE --api-key KEY`: an MCP server over stdio with Close's tools, in front of any
/// Close-compatible API — a Closr server, or Close itself. Standard output carries only the protocol;
/// problems go to standard error.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Close's MCP tools over stdio for AI agents, against a Close-compatible API (--url, --api-key)."
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let api = try client.client()
        let access = try await CommandFailure.reported { try await CloseMCPServer.access(of: api) }
        try await CommandFailure.reported { try await CloseMCPServer(api: api, access: access).runOverStdio() }
    }
}
