/// An opportunity: a deal on a lead, with money in cents (close-api.md §7, §1.4).
public struct Opportunity: Sendable, Equatable, JSONRepresentable {
    public var id: String
    public var organizationID: String
    public var leadID: String
    public var leadName: String
    public var statusID: String
    public var statusLabel: String
    /// `active`, `won` or `lost`.
    public var statusType: String
    public var pipelineID: String?
    public var pipelineName: String?
    /// Cents.
    public var value: Int?
    /// `one_time`, `monthly` or `annual`.
    public var valuePeriod: String
    public var valueCurrency: String
    /// 0 to 100.
    public var confidence: Int
    public var note: String
    /// `YYYY-MM-DD`.
    public var dateWon: String?
    public var dateLost: String? = nil
    public var custom = CustomValues()
    public var userID: String?
    public var userName: String?
    public var contactID: String?
    public var contactName: String?
    public var createdBy: String?
    public var createdByName: String?
    public var updatedBy: String?
    public var updatedByName: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public init(
        id: String, organizationID: String, leadID: String, leadName: String, statusID: String, statusLabel: String,
        statusType: String, pipelineID: String?, pipelineName: String?, value: Int?, valuePeriod: String,
        valueCurrency: String, confidence: Int, note: String, dateWon: String?, userID: String?, userName: String?,
        contactID: String?, contactName: String?, createdBy: String?, createdByName: String?, updatedBy: String?,
        updatedByName: String?, dateCreated: CloseTimestamp, dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.leadID = leadID
        self.leadName = leadName
        self.statusID = statusID
        self.statusLabel = statusLabel
        self.statusType = statusType
        self.pipelineID = pipelineID
        self.pipelineName = pipelineName
        self.value = value
        self.valuePeriod = valuePeriod
        self.valueCurrency = valueCurrency
        self.confidence = confidence
        self.note = note
        self.dateWon = dateWon
        self.userID = userID
        self.userName = userName
        self.contactID = contactID
        self.contactName = contactName
        self.createdBy = createdBy
        self.createdByName = createdByName
        self.updatedBy = updatedBy
        self.updatedByName = updatedByName
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// Value per year: monthly × 12, otherwise the value itself.
    public var annualizedValue: Int? { value.map { valuePeriod == "monthly" ? $0 * 12 : $0 } }
    /// Value × confidence / 100.
    public var expectedValue: Int? { value.map { $0 * confidence / 100 } }
    public var annualizedExpectedValue: Int? { annualizedValue.map { $0 * confidence / 100 } }

    public var jsonValue: JSONValue {
        let int = { (value: Int?) in value.map(JSONValue.int) ?? .null }
        return .object([
            ("id", .string(id)), ("organization_id", .string(organizationID)), ("lead_id", .string(leadID)),
            ("lead_name", .string(leadName)), ("status_id", .string(statusID)), ("status_label", .string(statusLabel)),
            ("status_display_name", .string(statusLabel)), ("status_type", .string(statusType)),
            ("pipeline_id", .string(pipelineID)), ("pipeline_name", .string(pipelineName)),
            ("value", int(value)), ("value_period", .string(valuePeriod)), ("value_currency", .string(valueCurrency)),
            ("value_formatted", .string(Money.formatted(cents: value, currency: valueCurrency, period: valuePeriod))),
            ("annualized_value", int(annualizedValue)), ("expected_value", int(expectedValue)),
            ("annualized_expected_value", int(annualizedExpectedValue)), ("confidence", .int(confidence)),
            ("note", .string(note)), ("date_won", .string(dateWon)), ("date_lost", .string(dateLost)),
            ("user_id", .string(userID)), ("user_name", .string(userName)),
            ("contact_id", .string(contactID)), ("contact_name", .string(contactName)),
            ("created_by", .string(createdBy)), ("created_by_name", .string(createdByName)),
            ("updated_by", .string(updatedBy)), ("updated_by_name", .string(updatedByName)),
            ("date_created", .timestamp(dateCreated)), ("date_updated", .timestamp(dateUpdated)),
            ("integration_links", .array([])), ("attachments", .array([])),
        ] + custom.flatMembers)
    }
}

/// Display forms of amounts in cents.
public enum Money {
    static let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"]

    /// `$5,000 monthly`, `€12.50`, `1,000 CHF annual`; whole amounts without cents. Empty for no value.
    public static func formatted(cents: Int?, currency: String, period: String) -> String {
        guard let cents else { return "" }
        let negative = cents < 0
        let whole = abs(cents) / 100
        let fraction = abs(cents) % 100
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        grouped = digits + grouped
        if fraction != 0 { grouped += "." + (fraction < 10 ? "0" : "") + String(fraction) }
        let amount = (negative ? "-" : "") + (symbols[currency].map { $0 + grouped } ?? "\(grouped) \(currency)")
        switch period {
        case "monthly": return amount + " monthly"
        case "annual": return amount + " annual"
        default: return amount
        }
    }
}
