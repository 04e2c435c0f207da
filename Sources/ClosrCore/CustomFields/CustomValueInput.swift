import ClosrModel
import Foundation
import SQLKit

/// Custom field values as a request gives them — `custom.<id>`, `custom.<name>`, `custom.<id>.add` and
/// `.remove` for multi-value fields, or the deprecated `"custom": {"<name>": value}` — validated by the
/// field's type and applied to what an object already has (close-api.md §5, §11).
struct CustomValueInput: Sendable {
    enum Operation: Sendable {
        case set(JSONValue), add(JSONValue), remove(JSONValue)
    }

    /// (the key as sent, field id or name, operation)
    let changes: [(key: String, field: String, operation: Operation)]

    init(_ reader: BodyReader) {
        var changes: [(key: String, field: String, operation: Operation)] = []
        for (key, value) in reader.members.sorted(by: { $0.key < $1.key }) {
            if key == "custom", let members = value.objectMembers {
                for (name, value) in members { changes.append(("custom.\(name)", name, .set(value))) }
            } else if key.hasPrefix("custom.") {
                let name = String(key.dropFirst("custom.".count))
                if name.hasSuffix(".add") {
                    changes.append((key, String(name.dropLast(4)), .add(value)))
                } else if name.hasSuffix(".remove") {
                    changes.append((key, String(name.dropLast(7)), .remove(value)))
                } else {
                    changes.append((key, name, .set(value)))
                }
            }
        }
        self.changes = changes
    }

    var isEmpty: Bool { changes.isEmpty }

    /// The new stored values, or a 400 naming each bad key.
    func applied(to existing: [String: JSONValue], fields: [CustomField], in db: TenantDatabase) async throws -> [String: JSONValue] {
        var values = existing
        var errors: [String: String] = [:]
        for change in changes {
            guard let field = fields.first(where: { $0.id == change.field }) ?? fields.first(where: { $0.name == change.field }) else {
                errors[change.key] = "Unknown custom field."
                continue
            }
            do {
                switch change.operation {
                case .set(.null):
                    values[field.id] = nil
                case .set(let value):
                    values[field.id] = try await Self.validated(value, for: field, in: db)
                case .add(let value), .remove(let value):
                    guard field.acceptsMultipleValues else { throw CloseError.badRequest("This field takes one value; set it instead.") }
                    guard case .array(let item)? = try await Self.validated(value, for: field, in: db) as JSONValue?, let single = item.first else { continue }
                    var list: [JSONValue] = if case .array(let current)? = values[field.id] { current } else { [] }
                    if case .add = change.operation {
                        if !list.contains(single) { list.append(single) }
                    } else {
                        list.removeAll { $0 == single }
                    }
                    values[field.id] = list.isEmpty ? nil : .array(list)
                }
            } catch let error as CloseError {
                errors[change.key] = error.message
            }
        }
        if !errors.isEmpty { throw CloseError.validation(errors) }
        return values
    }

    /// The value in its stored form, or a ``CloseError`` whose message is the field error.
    static func validated(_ value: JSONValue, for field: CustomField, in db: TenantDatabase) async throws -> JSONValue {
        if field.acceptsMultipleValues {
            let items: [JSONValue] = if case .array(let values) = value { values } else { [value] }
            var result: [JSONValue] = []
            for item in items { result.append(try await single(item, for: field, in: db)) }
            return .array(result)
        }
        if case .array = value { throw CloseError.badRequest("This field takes one value, not a list.") }
        return try await single(value, for: field, in: db)
    }

    static func single(_ value: JSONValue, for field: CustomField, in db: TenantDatabase) async throws -> JSONValue {
        switch (field.type, value) {
        case (.text, .string), (.textarea, .string), (.hidden, .string), (.url, .string):
            return value
        case (.number, .int), (.number, .double):
            return value
        case (.number, .string(let text)):
            if let number = Int(text) { return .int(number) }
            if let number = Double(text), number.isFinite { return .double(number) }
        case (.date, .string(let text)):
            if let time = CloseTimestamp(parsing: text) { return .string(String(time.iso8601.prefix(10))) }
        case (.datetime, .string(let text)):
            if let time = CloseTimestamp(parsing: text) { return .string(time.iso8601) }
        case (.choices, .string(let text)):
            if field.choices.contains(text) { return value }
            throw CloseError.badRequest("\"\(text)\" is not one of the choices: \(field.choices.joined(separator: ", ")).")
        case (.user, .string(let id)):
            if try await db.select(from: .memberships).column("id").where("user_id", .equal, id).first() != nil { return value }
            throw CloseError.badRequest("No member of this organization has the id \(id).")
        case (.contact, .string(let id)):
            if try await db.select(from: .contacts).column("id").where("id", .equal, id).first() != nil { return value }
            throw CloseError.badRequest("No contact of this organization has the id \(id).")
        default:
            break
        }
        throw CloseError.badRequest("Not a valid \(field.type.rawValue) value.")
    }

    /// The object's stored values with these changes applied, as the text to store.
    func updatedText(of table: TenantTable, objectType: String, id: String, in db: TenantDatabase) async throws -> StoredJSON {
        let stored = try await db.select(from: table).column("custom").where("id", .equal, id)
            .first(decodingColumn: "custom", as: String.self) ?? "{}"
        let values = try await applied(to: Self.stored(stored), fields: CustomFieldService.fields(objectType, in: db), in: db)
        return Self.text(values)
    }

    static func stored(_ text: String) -> [String: JSONValue] {
        guard let members = (try? JSONValue(parsing: Array(text.utf8)))?.objectMembers else { return [:] }
        return Dictionary(members, uniquingKeysWith: { _, last in last })
    }

    static func text(_ values: [String: JSONValue]) -> StoredJSON {
        JSONColumn.text(object(values))
    }

    /// Values as the object stored in a row's `custom` column, keys sorted.
    static func object(_ values: [String: JSONValue]) -> JSONValue {
        .object(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Stored values (a row's parsed `custom` column) in field order, for the wire.
    static func values(_ stored: JSONValue, fields: [CustomField]) -> CustomValues {
        guard let members = stored.objectMembers, !members.isEmpty else { return CustomValues() }
        let byID = Dictionary(members, uniquingKeysWith: { _, last in last })
        return CustomValues(values: fields.compactMap { field in byID[field.id].map { (field, $0) } })
    }
}
