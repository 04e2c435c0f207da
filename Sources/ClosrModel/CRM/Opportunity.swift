/// An opportunity: a deal on a lead, with money in cents (close-api.md §7, §1.4).
public struct Opportunity: Sendable, Equatable, JSONWritable {
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

    /// The largest amount in cents a value may have (ten trillion dollars).
    public static let maxValue = 1_000_000_000_000_000

    /// Value per year: monthly × 12, otherwise the value itself.
    public var annualizedValue: Int? { value.map { valuePeriod == "monthly" ? Self.saturating($0, 12) : $0 } }
    /// Value × confidence / 100.
    public var expectedValue: Int? { value.map { Self.saturating($0, confidence) / 100 } }
    public var annualizedExpectedValue: Int? { annualizedValue.map { Self.saturating($0, confidence) / 100 } }

    /// A product that stops at the largest integer instead of stopping the process (the API bounds
    /// values well below that; this guards rows written some other way).
    static func saturating(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? ((a > 0) == (b > 0) ? Int.max : Int.min) : product
    }

    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if writer.key("id") { writer.string(id) }
        if writer.key("organization_id") { writer.string(organizationID) }
        if writer.key("lead_id") { writer.string(leadID) }
        if writer.key("lead_name") { writer.string(leadName) }
        if writer.key("status_id") { writer.string(statusID) }
        if writer.key("status_label") { writer.string(statusLabel) }
        if writer.key("status_display_name") { writer.string(statusLabel) }
        if writer.key("status_type") { writer.string(statusType) }
        if writer.key("pipeline_id") { writer.string(pipelineID) }
        if writer.key("pipeline_name") { writer.string(pipelineName) }
        if writer.key("value") { writer.int(value) }
        if writer.key("value_period") { writer.string(valuePeriod) }
        if writer.key("value_currency") { writer.string(valueCurrency) }
        if writer.key("value_formatted") { writer.string(Money.formatted(cents: value, currency: valueCurrency, period: valuePeriod)) }
        if writer.key("annualized_value") { writer.int(annualizedValue) }
        if writer.key("expected_value") { writer.int(expectedValue) }
        if writer.key("annualized_expected_value") { writer.int(annualizedExpectedValue) }
        if writer.key("confidence") { writer.int(confidence) }
        if writer.key("note") { writer.string(note) }
        if writer.key("date_won") { writer.string(dateWon) }
        if writer.key("date_lost") { writer.string(dateLost) }
        if writer.key("user_id") { writer.string(userID) }
        if writer.key("user_name") { writer.string(userName) }
        if writer.key("contact_id") { writer.string(contactID) }
        if writer.key("contact_name") { writer.string(contactName) }
        if writer.key("created_by") { writer.string(createdBy) }
        if writer.key("created_by_name") { writer.string(createdByName) }
        if writer.key("updated_by") { writer.string(updatedBy) }
        if writer.key("updated_by_name") { writer.string(updatedByName) }
        if writer.key("date_created") { writer.timestamp(dateCreated) }
        if writer.key("date_updated") { writer.timestamp(dateUpdated) }
        if writer.key("integration_links") { writer.emptyArray() }
        if writer.key("attachments") { writer.emptyArray() }
        custom.writeFlatMembers(to: &writer)
        writer.endObject()
    }
}

/// Display forms of amounts in cents.
public enum Money {
    static let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"]

    /// `$5,000 monthly`, `€12.50`, `1,000 CHF annual`; whole amounts without cents. Empty for no value.
    public static func formatted(cents: Int?, currency: String, period: String) -> String {
        guard let cents else { return "" }
        let negative = cents < 0
        let whole = cents.magnitude / 100
        let fraction = cents.magnitude % 100
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
