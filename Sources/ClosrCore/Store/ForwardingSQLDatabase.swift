import Logging
import NIOCore
import SQLKit

/// A connection that passes every statement on to `base`, after looking at it or rewriting it — the
/// shape of ``ChangeRecorder`` (notes what a transaction changes) and ``TenantSQL`` (ANDs in the tenant).
protocol ForwardingSQLDatabase: SQLDatabase {
    var base: any SQLDatabase { get }
    /// The statement to send instead of `query` (or `query` itself, having noted it).
    func forwarded(_ query: any SQLExpression) -> any SQLExpression
}

extension ForwardingSQLDatabase {
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        base.execute(sql: forwarded(query), onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await base.execute(sql: forwarded(query), onRow)
    }
}
