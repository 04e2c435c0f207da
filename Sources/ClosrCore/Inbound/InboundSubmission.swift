import ClosrModel

/// One inbound post's fields, read the way web forms, site builders, Zapier and Make name them: `Email`,
/// `email_address`, `your-email` and `E-mail` are all the email. Names are compared without case and
/// without anything but letters and digits. Fields that map to nothing on a lead are kept (`extras`), and
/// every field a visitor typed is kept as sent (`values`), so nothing is lost.
///
/// Fields whose names begin with `_` steer the intake instead of being data (`_redirect`, `_honeypot`,
/// `_dedupe`, `_visitor_id`, `_form_name`, `_source_url`); `redirect` works without the underscore too,
/// as form services spell it; other `_` fields are a form tool's own and kept only as values. A field
/// named like an API key, or holding one, is never kept.
public struct InboundSubmission: Sendable {
    public var personName: String?
    public var email: String?
    public var phone: String?
    public var company: String?
    public var website: String?
    public var title: String?
    public var message: String?
    /// Every data field, as sent and in order: the form submission's values.
    public var values: [(name: String, value: String)] = []
    /// The data fields no lead or contact field took (UTM parameters, a budget, a checkbox…).
    public var extras: [(name: String, value: String)] = []
    /// The form field each mapped value came from, for errors that name what the visitor sees.
    var sources: [Target: String] = [:]

    public var redirect: String?
    /// A honeypot field (`_honeypot`, `_gotcha`) that a person leaves empty was filled: a bot posted.
    public var honeypotFilled = false
    /// `_dedupe`: overrides the organization's dedupe-by-email setting for this post.
    public var dedupe: Bool?
    public var visitorID: String?
    public var formName: String?
    public var sourceURL: String?

    enum Target: Hashable { case name, firstName, lastName, email, phone, company, website, title, message }

    static let targets: [String: Target] = {
        var map: [String: Target] = [:]
        let names: [(Target, [String])] = [
            (.name, ["name", "fullname", "yourname", "contactname", "personname"]),
            (.firstName, ["firstname", "fname", "givenname", "first", "forename"]),
            (.lastName, ["lastname", "lname", "surname", "familyname", "last"]),
            (.email, ["email", "emailaddress", "mail", "youremail", "contactemail", "workemail", "businessemail"]),
            (.phone, ["phone", "phonenumber", "tel", "telephone", "mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "yourphone", "contactphone"]),
            (.company, ["company", "companyname", "organization", "organisation", "organizationname", "business", "businessname", "account", "accountname"]),
            (.website, ["website", "url", "companywebsite", "web", "site", "homepage", "websiteurl", "companyurl"]),
            (.title, ["title", "jobtitle", "position", "role"]),
            (.message, ["message", "comments", "comment", "notes", "note", "yourmessage", "enquiry", "inquiry", "details", "body", "question"]),
        ]
        for (target, aliases) in names { for alias in aliases { map[alias] = target } }
        return map
    }()

    /// Letters and digits, lower-cased: `First Name`, `first-name`, `firstName` → `firstname`. Names are
    /// mostly ASCII, which is read byte by byte; others keep their letters and digits, lower-cased.
    static func normalized(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            guard byte < 0x80 else {
                let scalars = name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }
                return String(String.UnicodeScalarView(scalars))
            }
            switch byte {
            case 0x41...0x5A: bytes.append(byte + 0x20)
            case 0x61...0x7A, 0x30...0x39: bytes.append(byte)
            default: continue
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text without white space (spaces, tabs, line breaks) at either end.
    static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[first...last])
    }

    public init(fields: [(name: String, value: String)]) {
        var firstName: String?
        var lastName: String?
        for (name, value) in fields {
            let key = Self.normalized(name)
            let trimmed = Self.trimmed(value)
            // A key is never kept, whatever field carries it (`_api_key`, `x-api-key`, `auth.api_key`).
            if Self.isKeyField(name) || key.hasSuffix("apikey") || Self.containsKey(value) { continue }
            if name.hasPrefix("_") || key == "redirect" {
                if control(key, trimmed) { continue }
            }
            values.append((name, value))
            // Other `_` fields are a form tool's own (`_wpnonce`, `_wpcf7`): kept in the values only.
            if name.hasPrefix("_") { continue }
            guard !trimmed.isEmpty, let target = Self.targets[key], sources[target] == nil else {
                if !trimmed.isEmpty { extras.append((name, value)) }
                continue
            }
            sources[target] = name
            switch target {
            case .name: personName = trimmed
            case .firstName: firstName = trimmed
            case .lastName: lastName = trimmed
            case .email: email = trimmed
            case .phone: phone = trimmed
            case .company: company = trimmed
            case .website: website = trimmed
            case .title: title = trimmed
            case .message: message = trimmed
            }
        }
        if personName == nil {
            let parts = [firstName, lastName].compactMap { $0 }
            if !parts.isEmpty { personName = parts.joined(separator: " ") }
        }
    }

    /// The fields an HTML form carries its API key in (it cannot send a header): `_api_key`, `api_key`,
    /// `apiKey` and other spellings.
    public static func isKeyField(_ name: String) -> Bool {
        ["apikey", "closrapikey"].contains(normalized(name))
    }

    /// Whether a value holds something shaped like a Closr key (`closr_` and 43 base64url characters),
    /// which is dropped rather than stored, whatever its field is called.
    static func containsKey(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        let prefix = Array("closr_".utf8)
        guard bytes.count >= prefix.count + 43 else { return false }
        for start in 0...(bytes.count - prefix.count - 43) where bytes[start] == prefix[0] && bytes[start..<start + prefix.count].elementsEqual(prefix) {
            let body = bytes[(start + prefix.count)..<(start + prefix.count + 43)]
            if body.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
            }) { return true }
        }
        return false
    }

    /// Takes a control field; false when the name is not one (it is then kept as data).
    private mutating func control(_ key: String, _ value: String) -> Bool {
        switch key {
        case "redirect", "next": redirect = value.isEmpty ? nil : value
        // A JSON post's unticked box may arrive as `false` or `0`: only text counts as filled.
        case "honeypot", "gotcha": honeypotFilled = honeypotFilled || !["", "0", "false"].contains(value.lowercased())
        case "dedupe": dedupe = ["0", "false", "no", "off"].contains(value.lowercased()) ? false : true
        case "visitorid": visitorID = value.isEmpty ? nil : value
        case "formname": formName = value.isEmpty ? nil : value
        case "sourceurl": sourceURL = value.isEmpty ? nil : value
        default: return false
        }
        return true
    }

    /// Checks the values a lead and contact are made of; every error names the form field it came from.
    public func validate() throws(CloseError) {
        guard personName != nil || email != nil || phone != nil || company != nil else {
            let received = values.map(\.name)
            throw CloseError(
                status: 400,
                message: "This post has no contact data: send at least one of email, phone, name (or first_name and last_name) "
                    + "or company. " + (received.isEmpty ? "It had no fields." : "Fields received: \(received.prefix(20).joined(separator: ", "))."),
                fieldErrors: ["email": "Send at least one of email, phone, name (or first_name and last_name) or company."]
            )
        }
        var errors: [String: String] = [:]
        func check(_ target: Target, _ value: String?, maxLength: Int) {
            guard let value, value.count > maxLength else { return }
            errors[sources[target] ?? "name"] = "At most \(maxLength) characters."
        }
        check(.name, personName, maxLength: 500)
        check(.company, company, maxLength: 1000)
        check(.website, website, maxLength: 2000)
        check(.title, title, maxLength: 500)
        check(.email, email, maxLength: 254)
        check(.phone, phone, maxLength: 64)
        if let email, errors[sources[.email] ?? ""] == nil, !Self.looksLikeEmail(email) {
            errors[sources[.email] ?? "email"] = "\"\(email.prefix(100))\" is not an email address."
        }
        if let phone, !phone.contains(where: \.isNumber) {
            errors[sources[.phone] ?? "phone"] = "\"\(phone.prefix(100))\" is not a phone number."
        }
        if !errors.isEmpty { throw CloseError.validation(errors) }
    }

    /// `a@b` with something on both sides and no space: what a contact's email must look like.
    static func looksLikeEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        return at != text.startIndex && text.index(after: at) != text.endIndex && !text.contains(where: \.isWhitespace)
    }

    /// A new lead's description: the message, then every field no lead field took, one per line.
    var description: String {
        let lines = extras.map { "\($0.name): \($0.value)" }
        return ([message].compactMap { $0 } + (lines.isEmpty ? [] : [lines.joined(separator: "\n")])).joined(separator: "\n\n")
    }

    /// The lead to create, in the Close API's own shape, so that ``LeadService`` validates and writes it
    /// as it does any other.
    var leadBody: JSONValue {
        var contact: [(String, JSONValue)] = [("name", .string(personName ?? ""))]
        if let title { contact.append(("title", .string(title))) }
        if let email { contact.append(("emails", .array([.object([("type", .string("office")), ("email", .string(email))])]))) }
        if let phone { contact.append(("phones", .array([.object([("type", .string("office")), ("phone", .string(phone))])]))) }
        var lead: [(String, JSONValue)] = [
            ("name", .string(company ?? personName ?? email ?? phone ?? "")), ("description", .string(description)),
            ("contacts", .array([.object(contact)])),
        ]
        if let website { lead.append(("url", .string(website))) }
        return .object(lead)
    }
}
