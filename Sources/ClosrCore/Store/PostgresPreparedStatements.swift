import Logging
import PostgresNIO
import SQLKit
import Synchronization

/// Reads run as named prepared statements on PostgreSQL: the PostgreSQL side of "statements are
/// prepared once and reused" (SQLite's is ``SQLiteConnection``'s statement cache).
///
/// postgres-nio sends a statement as an unnamed parse/bind/execute exchange, so PostgreSQL parses and
/// plans it on every run. For `GET /lead/{id}/` that was 1 ms of the database server's time (0.36 ms
/// parse, 0.66 ms bind with planning, in PostgreSQL's own log) against 0.09 ms of execution. A prepared
/// statement is parsed once per connection, and after a few runs PostgreSQL keeps a generic plan.
///
/// postgres-nio prepares statements that are types (``PostgresPreparedStatement``: a static name and
/// SQL), and keeps their state per connection. So each SQL text gets a *slot* — one of ``capacity``
/// generic types, ``SlotStatement`` — whose static SQL is the text this process assigned to it first and
/// never changes after. A text gets a slot the second time it is run (one-off statements such as a
/// search with many words do not use up slots); once the slots are taken, new texts run unprepared.
///
/// Only reads outside transactions are prepared (a refused preparation inside a transaction would abort
/// it); their values go as text (``PostgresTextBind``). A text PostgreSQL refuses to prepare (a
/// parameter it cannot type, a table not created yet) is remembered and runs unprepared from then on.
enum PostgresPreparedStatements {
    static let capacity = 256
    /// Longer texts are not worth a slot: they are built from many request-chosen parts. (Each slot
    /// prepared on each pooled connection holds a plan in that PostgreSQL backend, hence the bound.)
    static let longestSQL = 16_384

    /// Runs `sql` as a prepared statement and returns `true`, or returns `false` without running it if
    /// it is not to be prepared (not a read, seen for the first time, slots full, or refused before).
    static func run(
        _ sql: String, binds: [any Encodable & Sendable], on connection: PostgresConnection, logger: Logger,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws -> Bool {
        guard sql.hasPrefix("SELECT "), sql.utf8.count <= longestSQL, let bindings = PostgresTextBind.bindings(binds),
              let slot = PreparedSlots.slot(for: sql) else { return false }
        var delivered = false
        do {
            try await run(PreparedSlots.types[slot], bindings: bindings, on: connection, logger: logger) { row in
                delivered = true
                onRow(row)
            }
            return true
        } catch let error as PSQLError where error.code == .server && !delivered {
            // postgres-nio keeps a failed preparation as the slot's state on this connection for good,
            // and an error before the first row may have been the preparation's (a lock or statement
            // timeout while parsing, say): the text runs unprepared from now on. A failure that is
            // about preparing it (class 42, 0A000) is retried unprepared at once, nothing having been
            // read: if it was the text's own (a table not yet created), the unprepared run reports it.
            PreparedSlots.refuse(sql)
            if error.isAboutPreparation { return false }
            throw error
        }
    }

    private static func run<Slot: PreparedSlot>(
        _: Slot.Type, bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger,
        _ onRow: (any SQLRow) -> Void
    ) async throws {
        for try await row in try await connection.execute(SlotStatement<Slot>(bindings: bindings), logger: logger) {
            onRow(PostgresSQLRow(row))
        }
    }
}

private extension PSQLError {
    /// Errors PostgreSQL raises when it parses and plans a statement, which for a prepared statement
    /// happens before any row: class 42 (a parameter whose type cannot be inferred without a declared
    /// type, 42P18 and kin; a table or column that does not exist yet) and 0A000 ("cached plan must not
    /// change result type": a table under a `SELECT *` changed shape since, when another node migrated).
    var isAboutPreparation: Bool {
        guard code == .server, let state = serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("42") || state == "0A000"
    }
}

/// A prepared statement whose SQL is its slot's (``PreparedSlots``).
private struct SlotStatement<Slot: PreparedSlot>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "closr_prepared_\(Slot.index)" }
    static var sql: String { PreparedSlots.sql(at: Slot.index) }
    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The SQL text of each slot, process-wide because postgres-nio reads it from a type (so every store
/// in the process shares the slots). A slot is assigned once, before its first use, and never changes,
/// so every connection that prepares a slot prepares the same text.
private enum PreparedSlots {
    private struct State {
        var texts: [String] = []
        var slots: [String: Int] = [:]
        var seenOnce: Set<String> = []
        var refused: Set<String> = []
    }

    private static let state = Mutex(State())

    /// The slot of `sql`, assigned the second time it is asked for while slots remain.
    static func slot(for sql: String) -> Int? {
        state.withLock { state in
            if let slot = state.slots[sql] { return state.refused.contains(sql) ? nil : slot }
            guard state.texts.count < PostgresPreparedStatements.capacity else { return nil }
            guard state.seenOnce.remove(sql) != nil else {
                if state.seenOnce.count >= PostgresPreparedStatements.capacity { state.seenOnce.removeAll() }
                state.seenOnce.insert(sql)
                return nil
            }
            state.slots[sql] = state.texts.count
            state.texts.append(sql)
            return state.texts.count - 1
        }
    }

    static func refuse(_ sql: String) {
        state.withLock { _ = $0.refused.insert(sql) }
    }

    static func sql(at slot: Int) -> String {
        state.withLock { $0.texts[slot] }
    }

    /// One type per slot: slot `n` is `n`'s binary digits as nested ``ZeroBit``/``OneBit`` types.
    static let types: [any PreparedSlot.Type] = (0..<PostgresPreparedStatements.capacity).map { index in
        var type: any PreparedSlot.Type = NoBits.self
        for bit in (0..<PostgresPreparedStatements.capacity.trailingZeroBitCount).reversed() {
            type = (index >> bit) & 1 == 1 ? one(type) : zero(type)
        }
        return type
    }

    private static func one<Rest: PreparedSlot>(_: Rest.Type) -> any PreparedSlot.Type { OneBit<Rest>.self }
    private static func zero<Rest: PreparedSlot>(_: Rest.Type) -> any PreparedSlot.Type { ZeroBit<Rest>.self }
}

private protocol PreparedSlot: Sendable { static var index: Int { get } }
private enum NoBits: PreparedSlot { static var index: Int { 0 } }
private enum ZeroBit<Rest: PreparedSlot>: PreparedSlot { static var index: Int { Rest.index * 2 } }
private enum OneBit<Rest: PreparedSlot>: PreparedSlot { static var index: Int { Rest.index * 2 + 1 } }
