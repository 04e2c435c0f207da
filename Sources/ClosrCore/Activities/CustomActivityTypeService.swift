import ClosrModel
import Foundation
import SQLKit

/// Custom activity types (`/custom_activity/`): created 201, deleted 204 (close-api-more.md §A.4).
/// Deleting a type deletes its fields; its activities stay on their leads.
public struct CustomActivityTypeService: Sendable {
    public init() {}

    struct Row: ColumnDecodable {
        let id: String
        let organizationId: String
        let name: String
        let description: String
        let apiCreateOnly: Bool
        let editableWithRoles: [String]
        let createdBy: String?
        let updatedBy: String?
        let dateCreated: Int64
        let dateUpdated: Int64

        init(_ columns: RowColumns) throws {
            id = try columns.string("id")
            organizationId = try columns.string("organization_id")
            name = try columns.string("name")
            description = try columns.string("description")
            apiCreateOnly = try columns.int("api_create_only") != 0
            editableWithRoles = try columns.json("editable_with_roles", fallback: .array([])).arrayValues.compactMap(\.text)
            createdBy = try columns.optionalString("created_by")
            updatedBy = try columns.optionalString("updated_by")
            dateCreated = try columns.int64("date_created")
            dateUpdated = try columns.int64("date_updated")
        }

        func type(fields: [CustomField]) -> CustomActivityType {
            CustomActivityType(
                id: id, organizationID: organizationId, name: name, description: description, apiCreateOnly: apiCreateOnly,
                editableWithRoles: editableWithRoles, fields: fields, createdBy: createdBy, updatedBy: updatedBy,
                dateCreated: CloseTimestamp(microseconds: dateCreated), dateUpdated: CloseTimestamp(microseconds: dateUpdated)
            )
        }
    }

    /// The custom fields of one type, oldest first.
    static func fields(of typeID: String, in db: TenantDatabase) async throws -> [CustomField] {
        try await CustomFieldService.fields("activity", in: db).filter { $0.customActivityTypeID == typeID }
    }

    public func list(in scope: OrgScope) async throws -> [CustomActivityType] {
        try await scope.read { db in
            let fields = try await CustomFieldService.fields("activity", in: db)
            return try await db.select(from: .customActivityTypes).column("*").orderBy("date_created").orderBy("id").all(Row.self)
                .map { row in row.type(fields: fields.filter { $0.customActivityTypeID == row.id }) }
        }
    }

    public func get(id: String, in scope: OrgScope) async throws -> CustomActivityType {
        try await scope.read { db in try await Self.type(id: id, in: db) }
    }

    static func type(id: String, in db: TenantDatabase) async throws -> CustomActivityType {
        guard let row = try await db.select(from: .customActivityTypes).column("*").where("id", .equal, id).first(Row.self) else {
            throw CloseError.notFound("Custom activity type not found")
        }
        return row.type(fields: try await fields(of: id, in: db))
    }

    struct Input {
        var name: String?
        var description: String?
        var apiCreateOnly: Bool?
        var editableWithRoles: [String]?

        init(_ reader: inout BodyReader, creating: Bool) {
            if reader.has("name") || creating {
                let name = (reader.string("name", maxLength: 200) ?? "").trimmingCharacters(in: .whitespaces)
                if name.isEmpty { reader.fail("name", "This field is required.") } else { self.name = name }
            }
            if reader.has("description") { description = reader.string("description", maxLength: 2000) ?? "" }
            apiCreateOnly = reader.bool("api_create_only")
            if let roles = reader.array("editable_with_roles") {
                editableWithRoles = roles.compactMap(\.text)
                if editableWithRoles?.count != roles.count { reader.fail("editable_with_roles", "Expected a list of role ids.") }
            }
        }
    }

    public func create(_ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> CustomActivityType {
        var reader = try BodyReader(body)
        let input = Input(&reader, creating: true)
        try reader.validate()
        let now = CloseTimestamp.now()
        let id = ClosrID.make(.customActivityType)
        return try await principal.scope.write { db in
            try await db.insert(into: .customActivityTypes, [
                ("id", id), ("name", input.name ?? ""), ("description", input.description ?? ""),
                ("api_create_only", input.apiCreateOnly == true ? 1 : 0),
                ("editable_with_roles", JSONColumn.text(.array((input.editableWithRoles ?? []).map(JSONValue.string)))),
                ("created_by", principal.userID), ("updated_by", principal.userID),
                ("date_created", now.microseconds), ("date_updated", now.microseconds),
            ]).run()
            let type = try await Self.type(id: id, in: db)
            try await EventLog.record(in: db, objectType: "custom_activity_type", objectID: id, action: "created", data: type.jsonValue, origin: origin, at: now)
            return type
        }
    }

    public func update(id: String, _ body: JSONValue, principal: Principal, origin: RequestOrigin) async throws -> CustomActivityType {
        var reader = try BodyReader(body)
        let input = Input(&reader, creating: false)
        try reader.validate()
        let now = CloseTimestamp.now()
        return try await principal.scope.write { db in
            let before = try await Self.type(id: id, in: db)
            var changes: [(String, any Encodable & Sendable)] = []
            if let name = input.name { changes.append(("name", name)) }
            if let description = input.description { changes.append(("description", description)) }
            if let flag = input.apiCreateOnly { changes.append(("api_create_only", flag ? 1 : 0)) }
            if let roles = input.editableWithRoles { changes.append(("editable_with_roles", JSONColumn.text(.array(roles.map(JSONValue.string))))) }
            guard !changes.isEmpty else { return before }
            try await db.applyUpdate(.customActivityTypes, id: id, changes, userID: principal.userID, at: now.microseconds)
            let after = try await Self.type(id: id, in: db)
            try await EventLog.recordUpdate(
                in: db, objectType: "custom_activity_type", objectID: id, leadID: nil, changed: changes.map(\.0),
                before: before.jsonValue, after: after.jsonValue, origin: origin, at: now
            )
            return after
        }
    }

    public func delete(id: String, principal: Principal, origin: RequestOrigin) async throws {
        try await principal.scope.write { db in
            let type = try await Self.type(id: id, in: db)
            try await db.delete(from: .customFields).where("object_type", .equal, "activity").where("custom_activity_type_id", .equal, id).run()
            try await db.delete(from: .customActivityTypes).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "custom_activity_type", objectID: id, action: "deleted", data: nil, previousData: type.jsonValue, origin: origin)
        }
    }
}
