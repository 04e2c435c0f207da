import ClosrModel
import SQLKit

/// A `CustomActivity`'s values (close-api-more.md §B.5): `custom.<field id>` members validated by the
/// fields of its custom activity type; a published activity must have every required field, a draft
/// need not.
enum CustomActivityRules {
    static func apply(_ input: CustomValueInput, to fields: inout [(String, JSONValue)], creating: Bool, in db: TenantDatabase) async throws {
        guard let typeID = ActivityService.value(fields, "custom_activity_type_id").text,
              try await db.select(from: .customActivityTypes).column("id").where("id", .equal, typeID).first() != nil
        else { throw CloseError.validation(["custom_activity_type_id": "Invalid custom activity type id."]) }
        let definitions = try await CustomActivityTypeService.fields(of: typeID, in: db)
        var existing: [String: JSONValue] = [:]
        for (key, value) in fields where key.hasPrefix("custom.") { existing[String(key.dropFirst(7))] = value }
        let values = input.isEmpty ? existing : try await input.applied(to: existing, fields: definitions, in: db)
        if ActivityService.value(fields, "status") == .string("published") {
            var missing: [String: String] = [:]
            for field in definitions where field.required && values[field.id] == nil {
                missing["custom.\(field.id)"] = "This field is required (\(field.name)); save the activity as a draft to leave it empty."
            }
            if !missing.isEmpty { throw CloseError.validation(missing) }
        }
        fields.removeAll { $0.0.hasPrefix("custom.") }
        for field in definitions { if let value = values[field.id] { fields.append(("custom.\(field.id)", value)) } }
    }

    /// Removes a deleted field's values from the activities of its type.
    static func removeValues(of field: CustomField, in db: TenantDatabase) async throws {
        guard let typeID = field.customActivityTypeID else { return }
        let rows = try await db.select(from: .activities).column("*").where("related_id", .equal, typeID)
            .where("type", .equal, ActivityKind.custom.type).all(ActivityRow.self)
        for row in rows where row.fields.contains(where: { $0.0 == "custom.\(field.id)" }) {
            let fields = row.fields.filter { $0.0 != "custom.\(field.id)" }
            try await db.update(.activities).set("fields", to: JSONColumn.text(.object(fields))).where("id", .equal, row.id).run()
        }
    }
}
