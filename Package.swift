// swift-tools-version:6.0
// Closr: a self-hosted CRM server whose REST API is wire-compatible with Close API v1.
// Layout and the direction of dependencies are described in DESIGN.md (shared/): closr → ClosrServer →
// ClosrCore → ClosrModel.
import PackageDescription

let package = Package(
    name: "closr",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "closr", targets: ["closr"]),
        .library(name: "ClosrModel", targets: ["ClosrModel"]),
        .library(name: "ClosrClient", targets: ["ClosrClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .target(name: "ClosrModel"),
        .target(
            name: "ClosrCore",
            dependencies: [
                "ClosrModel",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The console's passwords: bcrypt (a slow hash), without the rest of hummingbird-auth.
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .target(
            name: "ClosrServer",
            dependencies: [
                "ClosrCore",
                "ClosrModel",
                // `/mcp`: the MCP tools, run on the server's own routes in process.
                "ClosrMCP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The web console's pages: logic-less templates that escape what they show.
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The Swift SDK: the Close API over HTTP, read into ClosrModel's wire types.
        .target(
            name: "ClosrClient",
            dependencies: [
                "ClosrModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The MCP server: Close's MCP tools, written once on ClosrModel's CloseAPI, served over stdio by
        // `closr mcp` (through ClosrClient) and over Streamable HTTP at the server's `/mcp` (in process).
        .target(
            name: "ClosrMCP",
            dependencies: ["ClosrClient", "ClosrModel", .product(name: "MCP", package: "swift-sdk"), .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "closr",
            dependencies: [
                "ClosrServer",
                "ClosrClient",
                "ClosrMCP",
                .product(name: "MCP", package: "swift-sdk"),
                "ClosrCore",
                "ClosrModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Fresh test databases of the dialect a test run asks for; used by the test targets only.
        .target(name: "ClosrTestSupport", dependencies: ["ClosrCore"]),
        .testTarget(name: "ClosrModelTests", dependencies: ["ClosrModel"]),
        .testTarget(
            name: "closrTests",
            dependencies: [
                "closr", "ClosrCore", "ClosrModel", "ClosrTestSupport",
                // The webhook receiver (Support/WebhookReceiver.swift, also linked into ClosrServerTests).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ClosrCoreTests",
            dependencies: [
                "ClosrCore", "ClosrModel", "ClosrTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ClosrServerTests",
            dependencies: [
                "ClosrServer",
                "ClosrClient",
                "ClosrMCP",
                .product(name: "MCP", package: "swift-sdk"),
                "ClosrCore",
                "ClosrModel",
                "ClosrTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
