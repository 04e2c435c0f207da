import Logging
import PostgresNIO
import NIOCore
import PostgresKit
import SQLKit

/// A PostgreSQL connection as the services see it: statements are serialised with
/// ``PostgresSQLDialect`` (postgres-kit's, with identifiers written as they are), then run as the
/// connection's prepared statement where ``PostgresPreparedStatements`` takes them (reads outside a
/// transaction), otherwise handed to postgres-kit already written.
struct PostgresSQLDatabase: ForwardingSQLDatabase {
    let connection: PostgresConnection
    let base: any SQLDatabase
    /// `false` inside a transaction: nothing is prepared there.
    let prepares: Bool
    var dialect: any SQLDialect { PostgresSQLDialect() }

    init(_ connection: PostgresConnection, preparing prepares: Bool) {
        self.connection = connection
        self.base = connection.sql(queryLogLevel: nil)
        self.prepares = prepares
    }

    func forwarded(_ query: any SQLExpression) -> any SQLExpression {
        serialized(query)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let statement = serialized(query)
        if prepares, try await PostgresPreparedStatements.run(statement.sql, binds: statement.binds, on: connection, logger: logger, onRow) {
            return
        }
        try await base.execute(sql: statement, onRow)
    }

    private func serialized(_ query: any SQLExpression) -> SerializedStatement {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        return SerializedStatement(sql: serializer.sql, binds: serializer.binds)
    }
}

/// A statement already written with this dialect's placeholders (`$1`, `$2`, …): written again as it is,
/// its values in the same order.
struct SerializedStatement: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds.append(contentsOf: binds)
    }
}

/// postgres-kit's dialect in every respect but one: identifiers are quoted without being scanned for
/// quotes (``UncheckedIdentifierQuote``).
struct PostgresSQLDialect: SQLDialect {
    private let base = PostgresDialect()

    var name: String { base.name }
    var identifierQuote: any SQLExpression { UncheckedIdentifierQuote(quote: #"""#) }
    var literalStringQuote: any SQLExpression { base.literalStringQuote }
    var supportsAutoIncrement: Bool { base.supportsAutoIncrement }
    var autoIncrementClause: any SQLExpression { base.autoIncrementClause }
    var autoIncrementFunction: (any SQLExpression)? { base.autoIncrementFunction }
    func bindPlaceholder(at position: Int) -> any SQLExpression { base.bindPlaceholder(at: position) }
    func literalBoolean(_ value: Bool) -> any SQLExpression { base.literalBoolean(value) }
    var literalDefault: any SQLExpression { base.literalDefault }
    var supportsIfExists: Bool { base.supportsIfExists }
    var enumSyntax: SQLEnumSyntax { base.enumSyntax }
    var supportsDropBehavior: Bool { base.supportsDropBehavior }
    var supportsReturning: Bool { base.supportsReturning }
    var triggerSyntax: SQLTriggerSyntax { base.triggerSyntax }
    var alterTableSyntax: SQLAlterTableSyntax { base.alterTableSyntax }
    func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? { base.customDataType(for: dataType) }
    func normalizeSQLConstraint(identifier: any SQLExpression) -> any SQLExpression { base.normalizeSQLConstraint(identifier: identifier) }
    var upsertSyntax: SQLUpsertSyntax { base.upsertSyntax }
    var unionFeatures: SQLUnionFeatures { base.unionFeatures }
    var sharedSelectLockExpression: (any SQLExpression)? { base.sharedSelectLockExpression }
    var exclusiveSelectLockExpression: (any SQLExpression)? { base.exclusiveSelectLockExpression }
    func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        base.nestedSubpathExpression(in: column, for: path)
    }
}
