import ClosrModel
import Foundation
import SQLKit

/// Opportunities (close-api.md §7): money in cents, confidence, status and pipeline, `date_won` filled
/// on moving to a won status, list filters and the aggregates over every match.
public struct OpportunityService: Sendable {
    public init() {}

    static let periods: Set<String> = ["one_time", "monthly", "annual"]

    /// The writable fields of an opportunity as given; nil means "not given".
    struct Input {
        var leadID: String?
        var statusID: String?
        var statusLabel: String?
        var values: [(String, any Encodable & Sendable)] = []

        init(_ reader: inout BodyReader) {
            leadID = reader.string("lead_id")
            statusID = reader.string("status_id")
            statusLabel = reader.string("status")
            if reader.has("value") {
                let value = reader.int("value")
                if let value, value.magnitude > OpportunityService.maxValue.magnitude {
                    // Annualizing and summing stay far from overflow (which would stop the process).
                    reader.fail("value", "Use an amount in cents of at most 10^15 either way.")
                } else {
                    values.append(("value", value))
                }
            }
            if reader.has("value_period") {
                let period = reader.string("value_period") ?? "one_time"
                if OpportunityService.periods.contains(period) { values.append(("value_period", period)) } else {
                    reader.fail("value_period", "Use one_time, monthly or annual.")
                }
            }
            if reader.has("value_currency") {
                let currency = reader.string("value_currency") ?? ""
                if currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) { values.append(("value_currency", currency)) } else {
                    reader.fail("value_currency", "Use a three-letter ISO 4217 code such as USD.")
                }
            }
            if reader.has("confidence") {
                let confidence = reader.int("confidence") ?? 0
                if (0...100).contains(confidence) { values.append(("confidence", confidence)) } else {
                    reader.fail("confidence", "Use a whole number from 0 to 100.")
                }
            }
            if reader.has("note") { values.append(("note", reader.string("note", maxLength: 100_000) ?? "")) }
            if reader.has("date_won") {
                let text = reader.string("date_won")
                if let text, CloseTimestamp(parsing: text) == nil {
                    reader.fail("date_won", "Use a date, YYYY-MM-DD.")
                } else {
                    values.append(("date_won", text.map { String($0.prefix(10)) }))
                }
            }
            if reader.has("user_id") { values.append(("user_id", reader.string("user_id"))) }
            if reader.has("contact_id") { values.append(("contact_id", reader.string("contact_id"))) }
        }
    }

    public func create(_ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Opportunity {
        var reader = try BodyReader(body)
        let input = Input(&reader)
        let custom = CustomValueInput(reader)
        try reader.validate()
        let now = CloseTimestamp.now()
        let id = ClosrID.make(.opportunity)
        let currency = try await principal.scope.read { db in
            try await db.selectOrganization().column("currency").first(decodingColumn: "currency", as: String.self)
        } ?? "USD"
        return try await principal.scope.write { db in
            let leadID = try await LeadService.owningLead(input.leadID, newLeadName: "Untitled", userID: principal.userID, now: now, in: db)
            let status = try await Self.resolveStatus(id: input.statusID, label: input.statusLabel, in: db)
            var columns: [(column: String, value: any Encodable & Sendable)] = [
                ("id", id), ("lead_id", leadID), ("status_id", status.id), ("value", Int?.none),
                ("value_period", "one_time"), ("value_currency", currency), ("confidence", 0), ("note", ""),
                ("date_won", String?.none), ("date_lost", String?.none), ("user_id", principal.userID), ("contact_id", String?.none), ("custom", StoredJSON("{}")),
                ("created_by", principal.userID), ("updated_by", principal.userID),
                ("date_created", now.microseconds), ("date_updated", now.microseconds),
            ]
            for (column, value) in input.values {
                if let index = columns.firstIndex(where: { $0.column == column }) { columns[index].value = value }
            }
            if status.type == "won", !input.values.contains(where: { $0.0 == "date_won" }) {
                columns[columns.firstIndex { $0.column == "date_won" }!].value = origin.today
            }
            if status.type == "lost" {
                columns[columns.firstIndex { $0.column == "date_lost" }!].value = origin.today
            }
            if !custom.isEmpty {
                let values = try await custom.applied(to: [:], fields: CustomFieldService.fields("opportunity", in: db), in: db)
                columns[columns.firstIndex { $0.column == "custom" }!].value = CustomValueInput.text(values)
            }
            try await Self.checkReferences(columns, in: db)
            try await db.insert(into: .opportunities, columns).run()
            let opportunity = try await Self.opportunity(id: id, in: db)
            try await EventLog.record(in: db, objectType: "opportunity", objectID: id, leadID: opportunity.leadID, action: "created", data: opportunity.jsonValue, origin: origin, at: now)
            return opportunity
        }
    }

    public func get(id: String, in scope: OrgScope) async throws -> Opportunity {
        try await scope.read { db in try await Self.opportunity(id: id, in: db) }
    }

    public func update(id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> Opportunity {
        var reader = try BodyReader(body)
        let input = Input(&reader)
        let custom = CustomValueInput(reader)
        try reader.validate()
        let now = CloseTimestamp.now()
        return try await principal.scope.write { db in
            let before = try await Self.opportunity(id: id, in: db)
            var changes = input.values
            if input.statusID != nil || input.statusLabel != nil {
                let status = try await Self.resolveStatus(id: input.statusID, label: input.statusLabel, in: db)
                changes.append(("status_id", status.id))
                if status.type == "won", before.dateWon == nil, !changes.contains(where: { $0.0 == "date_won" }) {
                    changes.append(("date_won", origin.today))
                }
                // Like date_won: filled on the move to lost, kept on leaving it.
                if status.type == "lost", before.dateLost == nil {
                    changes.append(("date_lost", origin.today))
                }
            }
            if input.leadID != nil { throw CloseError.validation(["lead_id": "An opportunity cannot move to another lead."]) }
            if !custom.isEmpty {
                changes.append(("custom", try await custom.updatedText(of: .opportunities, objectType: "opportunity", id: id, in: db)))
            }
            guard !changes.isEmpty else { return before }
            try await Self.checkReferences(changes.map { (column: $0.0, value: $0.1) }, in: db)
            try await db.applyUpdate(.opportunities, id: id, changes, userID: principal.userID, at: now.microseconds)
            let after = try await Self.opportunity(id: id, in: db)
            try await EventLog.recordUpdate(
                in: db, objectType: "opportunity", objectID: id, leadID: after.leadID, changed: changes.map(\.0),
                before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
            )
            if after.statusID != before.statusID {
                try await ServerActivities.opportunityStatusChange(before: before, after: after, origin: origin, at: now, in: db)
            }
            return after
        }
    }

    public func delete(id: String, principal: Principal, origin: RequestOrigin) async throws {
        try await principal.scope.write { db in
            let opportunity = try await Self.opportunity(id: id, in: db)
            try await db.delete(from: .opportunities).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "opportunity", objectID: id, leadID: opportunity.leadID, action: "deleted", data: nil, previousData: opportunity.jsonValue, origin: origin)
        }
    }

    /// What the list may filter on (close-api.md §7).
    public struct Filter: Sendable {
        public var leadID: String?
        public var userIDs: [String]?
        public var statusIDs: [String]?
        public var statusTypes: [String]?
        public var statusLabels: [String]?
        public var valuePeriods: [String]?
        /// Close's opportunity search (`query=note:important`, or bare words): the note contains it.
        public var noteContains: String?
        public var dateRanges: [DateBounds.Bound] = []
        public var orderBy: [(column: String, descending: Bool)] = []

        public init() {}
    }

    static let maxValue = Opportunity.maxValue

    /// The longest `query` (a note search) accepted, in bytes.
    public static let maxQueryLength = 1000

    public static let orderableColumns: Set<String> = [
        "date_won", "date_updated", "date_created", "confidence", "value", "annualized_value",
        "annualized_expected_value", "user_name",
    ]

    /// Orderable columns that may be empty.
    static let nullableOrderColumns: Set<String> = ["date_won", "value", "user_name"]

    /// What `_order_by` sorts on: a column, or for the derived values the expression that computes them.
    static func orderExpression(_ field: String) -> any SQLExpression {
        let annualized = "(COALESCE(opportunities.value, 0) * CASE opportunities.value_period WHEN 'monthly' THEN 12 ELSE 1 END)"
        switch field {
        case "annualized_value": return SQLRaw(annualized)
        case "annualized_expected_value": return SQLRaw("(\(annualized) * opportunities.confidence)")
        case "user_name":
            return SQLRaw("(SELECT users.first_name || ' ' || users.last_name FROM users WHERE users.id = opportunities.user_id)")
        // Only a column named above: identifiers are never escaped (``UncheckedIdentifierQuote``), so
        // none may come from a request unchecked.
        default: return SQLColumn(orderableColumns.contains(field) ? field : "date_created", table: "opportunities")
        }
    }

    /// A page of opportunities and the aggregates Close returns over all matches.
    public func list(_ filter: Filter, skip: Int, limit: Int, in scope: OrgScope) async throws -> (opportunities: [Opportunity], total: Int, aggregates: JSONValue) {
        try await scope.read { db in
            let directory = try await CRMDirectory.load(db)
            var statusIDs = filter.statusIDs
            let byType = filter.statusTypes.map { types in directory.statuses.values.filter { $0.kind == .opportunity && types.contains($0.type ?? "") }.map(\.id) }
            let byLabel = filter.statusLabels.map { labels in directory.statuses.values.filter { $0.kind == .opportunity && labels.contains($0.label) }.map(\.id) }
            for ids in [byType, byLabel].compactMap({ $0 }) {
                statusIDs = statusIDs.map { Array(Set($0).intersection(ids)) } ?? ids
            }
            func filtered(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
                var select = select
                if let leadID = filter.leadID { select = select.where("lead_id", .equal, leadID) }
                if let users = filter.userIDs { select = select.where("user_id", .in, users) }
                if let statusIDs { select = select.where("status_id", .in, statusIDs.isEmpty ? [""] : statusIDs) }
                if let periods = filter.valuePeriods { select = select.where("value_period", .in, periods) }
                if let text = filter.noteContains {
                    select = select.where(CaseInsensitiveLike(value: SQLColumn("note"), pattern: CaseInsensitiveLike.contains(text)))
                }
                for range in filter.dateRanges {
                    let op = LeadQuerySQL.sqlOperator(range.comparison)
                    // `date_won` and `date_lost` are dates (`YYYY-MM-DD` text); the others instants.
                    if range.column == "date_won" || range.column == "date_lost" {
                        select = select.where(range.column, op, String(range.text.prefix(10)))
                    } else {
                        select = select.where(range.column, op, range.value.microseconds)
                    }
                }
                return select
            }
            var select = filtered(db.select(from: .opportunities).column("*"))
            for order in filter.orderBy {
                if Self.nullableOrderColumns.contains(order.column) {
                    // Empty values last in either direction and on both databases (SQLite sorts NULL first
                    // ascending, PostgreSQL first descending): "closing soonest" starts with a date.
                    select = select.orderBy(SQLBinaryExpression(left: Self.orderExpression(order.column), op: SQLBinaryOperator.is, right: SQLLiteral.null), SQLDirection.ascending)
                }
                select = select.orderBy(Self.orderExpression(order.column), order.descending ? SQLDirection.descending : SQLDirection.ascending)
            }
            if filter.orderBy.isEmpty { select = select.orderBy("date_created", .descending) }
            let rows = try await select.orderBy("id").offset(skip).limit(limit).all(OpportunityRow.self)
            // Aggregates over every match, not just this page.
            let all = try await filtered(db.select(from: .opportunities).columns("value", "value_period", "confidence"))
                .all().map { (try $0.decode(column: "value", as: Int?.self) ?? 0, try $0.decode(column: "value_period", as: String.self), try $0.decode(column: "confidence", as: Int.self)) }
            let opportunities = try await Self.assemble(rows, directory: directory, in: db)
            return (opportunities, all.count, Self.aggregates(all))
        }
    }

    static func aggregates(_ rows: [(value: Int, period: String, confidence: Int)]) -> JSONValue {
        var count: [String: Int] = ["one_time": 0, "monthly": 0, "annual": 0]
        var total: [String: Int] = ["one_time": 0, "monthly": 0, "annual": 0]
        var expected: [String: Int] = ["one_time": 0, "monthly": 0, "annual": 0]
        // Sums saturate instead of trapping: a million opportunities of the largest value overflow 64 bits.
        func add(_ a: Int, _ b: Int) -> Int {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? (b > 0 ? Int.max : Int.min) : sum
        }
        func times(_ a: Int, _ b: Int) -> Int {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? ((a > 0) == (b > 0) ? Int.max : Int.min) : product
        }
        for row in rows {
            count[row.period, default: 0] += 1
            total[row.period, default: 0] = add(total[row.period, default: 0], row.value)
            expected[row.period, default: 0] = add(expected[row.period, default: 0], times(row.value, row.confidence) / 100)
        }
        let annualized = { (values: [String: Int]) in
            add(add(values["one_time", default: 0], times(values["monthly", default: 0], 12)), values["annual", default: 0])
        }
        return .object([
            ("count_by_value_period", .object(["one_time", "monthly", "annual"].map { ($0, .int(count[$0] ?? 0)) })),
            ("total_value_one_time", .int(total["one_time"] ?? 0)), ("total_value_monthly", .int(total["monthly"] ?? 0)),
            ("total_value_annual", .int(total["annual"] ?? 0)), ("total_value_annualized", .int(annualized(total))),
            ("expected_value_one_time", .int(expected["one_time"] ?? 0)), ("expected_value_monthly", .int(expected["monthly"] ?? 0)),
            ("expected_value_annual", .int(expected["annual"] ?? 0)), ("expected_value_annualized", .int(annualized(expected))),
        ])
    }

    static func opportunity(id: String, in db: TenantDatabase) async throws -> Opportunity {
        guard let row = try await db.select(from: .opportunities).column("*").where("id", .equal, id)
            .first(OpportunityRow.self)
        else { throw CloseError.notFound("Opportunity not found") }
        return try await assemble([row], directory: CRMDirectory.load(db), in: db)[0]
    }

    static func assemble(_ rows: [OpportunityRow], directory: CRMDirectory, in db: TenantDatabase) async throws -> [Opportunity] {
        guard !rows.isEmpty else { return [] }
        let names = try await LeadAndContactNames.load(leadIDs: rows.map(\.leadId), contactIDs: rows.compactMap(\.contactId), in: db)
        return rows.map { directory.opportunity($0, leadName: names.leads[$0.leadId] ?? "", contactName: $0.contactId.flatMap { names.contacts[$0] }) }
    }

    static func resolveStatus(id: String?, label: String?, in db: TenantDatabase) async throws -> Status {
        let statuses = try await StatusService.statuses(.opportunity, in: db)
        if let id {
            guard let status = statuses.first(where: { $0.id == id }) else { throw CloseError.validation(["status_id": "Invalid status id."]) }
            return status
        }
        if let label {
            guard let status = statuses.first(where: { $0.label.caseInsensitiveCompare(label) == .orderedSame }) else {
                throw CloseError.validation(["status": "No opportunity status is labelled \"\(label)\"."])
            }
            return status
        }
        guard let first = statuses.first(where: { $0.type == "active" }) ?? statuses.first else {
            throw CloseError.validation(["status_id": "The organization has no opportunity statuses."])
        }
        return first
    }

    /// `user_id` must be a member and `contact_id` a contact of this organization.
    static func checkReferences(_ columns: [(column: String, value: any Encodable & Sendable)], in db: TenantDatabase) async throws {
        for (column, value) in columns {
            guard let id = value as? String else { continue }
            if column == "user_id" { try await References.requireMember(id, in: db) }
            if column == "contact_id" { try await References.requireContact(id, ofLead: nil, in: db) }
        }
    }
}
