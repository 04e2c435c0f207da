import ClosrModel
import Foundation
import SQLKit

/// Custom field definitions per object type (close-api.md §11). Deleting a field removes its values.
public struct CustomFieldService: Sendable {
    public static let objectTypes: Set<String> = ["lead", "contact", "opportunity", "activity"]

    public init() {}

    struct Row: ColumnDecodable {
        var field: CustomField

        init(_ columns: RowColumns) throws {
            field = CustomField(
                id: try columns.string("id"), organizationID: try columns.string("organization_id"),
                objectType: try columns.string("object_type"), name: try columns.string("name"),
                description: try columns.optionalString("description"),
                type: CustomField.FieldType(rawValue: try columns.string("type")) ?? .text,
                choices: try columns.json("choices", fallback: .array([])).arrayValues.compactMap(\.text),
                acceptsMultipleValues: try columns.int("accepts_multiple_values") != 0,
                createdBy: try columns.optionalString("created_by"), updatedBy: try columns.optionalString("updated_by"),
                dateCreated: CloseTimestamp(microseconds: try columns.int64("date_created")),
                dateUpdated: CloseTimestamp(microseconds: try columns.int64("date_updated"))
            )
            field.customActivityTypeID = try columns.optionalString("custom_activity_type_id")
            field.required = (try columns.optionalInt("required") ?? 0) != 0
        }
    }
    static func fields(_ objectType: String, in db: TenantDatabase) async throws -> [CustomField] {
        try await db.select(from: .customFields).column("*").where("object_type", .equal, objectType)
            .orderBy("date_created").orderBy("id")
            .all(Row.self).map(\.field)
    }

    public func list(_ objectType: String, in scope: OrgScope) async throws -> [CustomField] {
        try await scope.read { db in try await Self.fields(objectType, in: db) }
    }

    public func get(_ objectType: String, id: String, in scope: OrgScope) async throws -> CustomField {
        guard let field = try await list(objectType, in: scope).first(where: { $0.id == id }) else {
            throw CloseError.notFound("Custom field not found")
        }
        return field
    }

    public func create(_ objectType: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> CustomField {
        var reader = try BodyReader(body)
        let name = (reader.string("name", maxLength: 200) ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty { reader.fail("name", "This field is required.") }
        let typeName = reader.string("type") ?? ""
        let type = CustomField.FieldType(rawValue: typeName)
        if type == nil {
            reader.fail("type", "Use one of: \(CustomField.FieldType.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let choices = Self.choices(&reader, required: type == .choices)
        let multiple = reader.members["accepts_multiple_values"] == .bool(true)
        let description = reader.string("description", maxLength: 2000)
        let activityTypeID = objectType == "activity" ? reader.string("custom_activity_type_id") : nil
        if objectType == "activity", activityTypeID == nil { reader.fail("custom_activity_type_id", "This field is required.") }
        let required = reader.members["required"] == .bool(true)
        try reader.validate()
        let now = CloseTimestamp.now()
        var field = CustomField(
            id: Self.newID(), organizationID: principal.organizationID, objectType: objectType, name: name,
            description: description, type: type ?? .text, choices: choices ?? [], acceptsMultipleValues: multiple,
            createdBy: principal.userID, updatedBy: principal.userID, dateCreated: now, dateUpdated: now
        )
        field.customActivityTypeID = activityTypeID
        field.required = objectType == "activity" && required
        let created = field
        try await principal.scope.write { db in
            if let activityTypeID, try await db.select(from: .customActivityTypes).column("id").where("id", .equal, activityTypeID).first() == nil {
                throw CloseError.validation(["custom_activity_type_id": "Invalid custom activity type id."])
            }
            if try await Self.fields(objectType, in: db).contains(where: {
                $0.name.lowercased() == name.lowercased() && $0.customActivityTypeID == activityTypeID
            }) {
                throw CloseError.validation(["name": "A \(objectType) custom field is already named \"\(name)\"."])
            }
            try await db.insert(into: .customFields, [
                ("id", created.id), ("object_type", objectType), ("name", name), ("description", description),
                ("type", created.type.rawValue), ("choices", JSONColumn.text(.array(created.choices.map(JSONValue.string)))),
                ("accepts_multiple_values", multiple ? 1 : 0), ("created_by", principal.userID),
                ("updated_by", principal.userID), ("date_created", now.microseconds), ("date_updated", now.microseconds),
                ("custom_activity_type_id", activityTypeID), ("required", created.required ? 1 : 0),
            ]).run()
            try await EventLog.record(in: db, objectType: "custom_field.\(objectType)", objectID: created.id, action: "created", data: created.jsonValue, origin: origin, at: now)
        }
        return created
    }

    /// Renames, re-describes, or changes the choices of a field.
    public func update(_ objectType: String, id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> CustomField {
        var reader = try BodyReader(body)
        var field = try await get(objectType, id: id, in: principal.scope)
        if reader.has("name") {
            let name = (reader.string("name", maxLength: 200) ?? "").trimmingCharacters(in: .whitespaces)
            if name.isEmpty { reader.fail("name", "This field is required.") } else { field.name = name }
        }
        if reader.has("description") { field.description = reader.string("description", maxLength: 2000) }
        if reader.has("choices"), let choices = Self.choices(&reader, required: field.type == .choices) { field.choices = choices }
        if reader.has("type") { reader.fail("type", "Changing a field's type is not supported; create a new field.") }
        if objectType == "activity", reader.has("required") { field.required = reader.members["required"] == .bool(true) }
        try reader.validate()
        let now = CloseTimestamp.now()
        field.dateUpdated = now
        field.updatedBy = principal.userID
        let updated = field
        try await principal.scope.write { db in
            try await db.update(.customFields).set("name", to: updated.name).set("description", to: updated.description)
                .set("choices", to: JSONColumn.text(.array(updated.choices.map(JSONValue.string))))
                .set("required", to: updated.required ? 1 : 0)
                .set("updated_by", to: principal.userID).set("date_updated", to: now.microseconds)
                .where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "custom_field.\(objectType)", objectID: id, action: "updated", data: updated.jsonValue, origin: origin, at: now)
        }
        return updated
    }

    /// Deletes the field and removes its value from every object that has one.
    public func delete(_ objectType: String, id: String, principal: Principal, origin: RequestOrigin) async throws {
        let field = try await get(objectType, id: id, in: principal.scope)
        let table: TenantTable = objectType == "lead" ? .leads : objectType == "contact" ? .contacts : .opportunities
        try await principal.scope.write { db in
            if objectType == "activity" {
                try await CustomActivityRules.removeValues(of: field, in: db)
                try await db.delete(from: .customFields).where("id", .equal, id).run()
                try await EventLog.record(in: db, objectType: "custom_field.activity", objectID: id, action: "deleted", data: nil, previousData: field.jsonValue, origin: origin)
                return
            }
            let rows = try await db.select(from: table).columns("id", "custom").where(JSONObjectHasKey(column: SQLColumn("custom"), key: id)).all()
            for row in rows {
                var values = CustomValueInput.stored(try row.decode(column: "custom", as: String.self))
                values[id] = nil
                try await db.update(table).set("custom", to: CustomValueInput.text(values))
                    .where("id", .equal, try row.decode(column: "id", as: String.self)).run()
            }
            try await db.delete(from: .customFields).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "custom_field.\(objectType)", objectID: id, action: "deleted", data: nil, previousData: field.jsonValue, origin: origin)
        }
    }

    static func choices(_ reader: inout BodyReader, required: Bool) -> [String]? {
        guard let values = reader.array("choices") else {
            if required { reader.fail("choices", "A choices field needs a list of choices.") }
            return nil
        }
        let choices = values.compactMap(\.text)
        if choices.count != values.count || (required && choices.isEmpty) {
            reader.fail("choices", "Use a non-empty list of strings.")
        }
        return choices
    }

    /// `cf_` + 43 base62 characters, as long as Close's.
    static func newID() -> String {
        ClosrID.make(.customField) + String(ClosrID.make(.customField).dropFirst(3).prefix(21))
    }
}
