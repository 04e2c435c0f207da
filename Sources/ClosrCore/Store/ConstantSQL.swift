import SQLKit
import Synchronization

/// A bind-free expression whose text is written once per dialect and then copied.
///
/// SQLKit writes a statement anew on every execution, and the parts of the hottest statements that
/// never change — the subqueries that gather a lead's contacts and opportunities, a dozen columns each —
/// were most of that work (a profile of `GET /lead/{id}/`: SQLKit's serialisation at a tenth of the
/// server's time after identifiers stopped being escaped). Only an expression with no bound values can
/// be kept this way: its text then depends on nothing but the dialect.
struct ConstantSQL: SQLExpression {
    private let expression: any SQLExpression
    private let texts = TextsByDialect()

    init(_ expression: any SQLExpression) {
        self.expression = expression
    }

    func serialize(to serializer: inout SQLSerializer) {
        let dialect = serializer.dialect.name
        if let text = texts.text(for: dialect) {
            serializer.write(text)
            return
        }
        var own = SQLSerializer(database: serializer.database)
        expression.serialize(to: &own)
        precondition(own.binds.isEmpty, "ConstantSQL holds an expression with bound values")
        texts.store(own.sql, for: dialect)
        serializer.write(own.sql)
    }
}

/// The written text of one ``ConstantSQL`` for each dialect it has met.
private final class TextsByDialect: Sendable {
    private let texts = Mutex<[String: String]>([:])

    func text(for dialect: String) -> String? { texts.withLock { $0[dialect] } }
    func store(_ text: String, for dialect: String) { texts.withLock { $0[dialect] = text } }
}
