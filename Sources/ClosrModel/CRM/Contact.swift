/// A contact of a lead (close-api.md §6).
public struct Contact: Sendable, Equatable, JSONWritable {
    public var id: String
    public var organizationID: String
    public var leadID: String
    public var name: String
    public var title: String
    public var emails: [Email]
    public var phones: [Phone]
    public var urls: [URLEntry]
    public var custom = CustomValues()
    public var createdBy: String?
    public var updatedBy: String?
    public var dateCreated: CloseTimestamp
    public var dateUpdated: CloseTimestamp

    public struct Email: Sendable, Equatable, JSONWritable {
        public var type: String
        public var email: String
        public var isUnsubscribed: Bool

        public init(type: String, email: String, isUnsubscribed: Bool = false) {
            self.type = type
            self.email = email
            self.isUnsubscribed = isUnsubscribed
        }

        public func write(to writer: inout JSONWriter) {
            writer.beginObject()
            if writer.key("type") { writer.string(type) }
            if writer.key("email") { writer.string(email) }
            if writer.key("is_unsubscribed") { writer.bool(isUnsubscribed) }
            writer.endObject()
        }
    }

    public struct Phone: Sendable, Equatable, JSONWritable {
        public var type: String
        /// E.164 where the number allows it.
        public var phone: String

        public init(type: String, phone: String) {
            self.type = type
            self.phone = phone
        }

        public func write(to writer: inout JSONWriter) {
            writer.beginObject()
            if writer.key("type") { writer.string(type) }
            if writer.key("phone") { writer.string(phone) }
            if writer.key("phone_formatted") { writer.string(PhoneNumber.formatted(phone)) }
            if writer.key("country") { writer.string(PhoneNumber.country(phone)) }
            writer.endObject()
        }
    }

    public struct URLEntry: Sendable, Equatable, JSONWritable {
        public var type: String
        public var url: String

        public init(type: String, url: String) {
            self.type = type
            self.url = url
        }

        public func write(to writer: inout JSONWriter) {
            writer.beginObject()
            if writer.key("type") { writer.string(type) }
            if writer.key("url") { writer.string(url) }
            writer.endObject()
        }
    }

    public init(
        id: String, organizationID: String, leadID: String, name: String, title: String, emails: [Email],
        phones: [Phone], urls: [URLEntry], createdBy: String?, updatedBy: String?, dateCreated: CloseTimestamp,
        dateUpdated: CloseTimestamp
    ) {
        self.id = id
        self.organizationID = organizationID
        self.leadID = leadID
        self.name = name
        self.title = title
        self.emails = emails
        self.phones = phones
        self.urls = urls
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
    }

    /// The name, or the first email or phone when there is no name.
    public var displayName: String {
        if !name.isEmpty { return name }
        return emails.first?.email ?? phones.first?.phone ?? ""
    }

    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if writer.key("id") { writer.string(id) }
        if writer.key("lead_id") { writer.string(leadID) }
        if writer.key("organization_id") { writer.string(organizationID) }
        if writer.key("name") { writer.string(name) }
        if writer.key("display_name") { writer.string(displayName) }
        if writer.key("title") { writer.string(title) }
        if writer.key("emails") { writer.array(emails) }
        if writer.key("phones") { writer.array(phones) }
        if writer.key("urls") { writer.array(urls) }
        if writer.key("integration_links") { writer.emptyArray() }
        if writer.key("timezone") { writer.null() }
        if writer.key("created_by") { writer.string(createdBy) }
        if writer.key("updated_by") { writer.string(updatedBy) }
        if writer.key("date_created") { writer.timestamp(dateCreated) }
        if writer.key("date_updated") { writer.timestamp(dateUpdated) }
        custom.writeFlatMembers(to: &writer)
        writer.endObject()
    }
}

/// Phone numbers as Close shows them: stored in E.164 (`+15555550100`) when the digits allow it.
public enum PhoneNumber {
    /// `+` and digits only; ten digits without a country code are taken as North American (+1).
    public static func normalized(_ text: String) -> String {
        let digits = text.filter(\.isNumber)
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("+") { return "+" + digits }
        if digits.count == 10 { return "+1" + digits }
        if digits.count == 11, digits.hasPrefix("1") { return "+" + digits }
        return digits.isEmpty ? text : "+" + digits
    }

    /// `+1 555-555-0100` for North American numbers; the E.164 form otherwise.
    public static func formatted(_ phone: String) -> String {
        // Bytes, not Characters: this runs for every phone of every contact listed.
        let bytes = Array(phone.utf8)
        guard bytes.count == 12, bytes[0] == UInt8(ascii: "+"), bytes[1] == UInt8(ascii: "1"),
              bytes[2...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return phone }
        var out = Array("+1 ".utf8)
        out.reserveCapacity(15)
        out += bytes[2...4]
        out.append(UInt8(ascii: "-"))
        out += bytes[5...7]
        out.append(UInt8(ascii: "-"))
        out += bytes[8...11]
        return String(decoding: out, as: UTF8.self)
    }

    /// The country code's country where it is unambiguous, else nil.
    public static func country(_ phone: String) -> String? {
        if phone.hasPrefix("+1") { return "US" }
        if phone.hasPrefix("+44") { return "GB" }
        if phone.hasPrefix("+49") { return "DE" }
        if phone.hasPrefix("+33") { return "FR" }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> Substring {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}

extension Set where Element == Character {
    fileprivate static let whitespaces: Set<Character> = [" ", "\t"]
}
