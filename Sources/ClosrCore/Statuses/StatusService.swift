import ClosrModel
import Foundation
import SQLKit

/// Lead and opportunity statuses, and the pipelines opportunity statuses belong to.
public struct StatusService: Sendable {
    public init() {}

    struct StatusRow: Decodable, Sendable {
        let id: String
        let organizationId: String
        let kind: String
        let label: String
        let type: String?
        let pipelineId: String?
        let position: Int64
        let dateCreated: Int64
        let dateUpdated: Int64

        var status: Status {
            Status(
                id: id, organizationID: organizationId, kind: Status.Kind(rawValue: kind) ?? .lead, label: label,
                type: type, pipelineID: pipelineId, dateCreated: CloseTimestamp(microseconds: dateCreated),
                dateUpdated: CloseTimestamp(microseconds: dateUpdated)
            )
        }
    }

    struct PipelineRow: Decodable, Sendable {
        let id: String
        let organizationId: String
        let name: String
        let dateCreated: Int64
        let dateUpdated: Int64
    }

    static let decoder = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)
    static let types = ["active", "won", "lost"]

    /// Statuses of one kind in their order.
    public func list(_ kind: Status.Kind, in scope: OrgScope) async throws -> [Status] {
        try await scope.read { db in try await Self.statuses(kind, in: db) }
    }

    static func statuses(_ kind: Status.Kind, in db: TenantDatabase) async throws -> [Status] {
        try await db.select(from: .statuses).column("*").where("kind", .equal, kind.rawValue)
            .orderBy("position").orderBy("date_created")
            .all(decoding: StatusRow.self, with: decoder).map(\.status)
    }

    public func get(_ kind: Status.Kind, id: String, in scope: OrgScope) async throws -> Status {
        try await scope.read { db in try await Self.status(kind, id: id, in: db) }
    }

    static func status(_ kind: Status.Kind, id: String, in db: TenantDatabase) async throws -> Status {
        guard let row = try await db.select(from: .statuses).column("*").where("kind", .equal, kind.rawValue)
            .where("id", .equal, id).first(decoding: StatusRow.self, with: decoder)
        else { throw CloseError.notFound("Status not found") }
        return row.status
    }

    /// Creates a status. Opportunity statuses need a type and go in the given pipeline, or the first.
    public func create(
        _ kind: Status.Kind, label: String?, type: String?, pipelineID: String?, in scope: OrgScope, origin: RequestOrigin
    ) async throws -> Status {
        let label = try Self.validLabel(label)
        if kind == .opportunity, !Self.types.contains(type ?? "") {
            throw CloseError.validation(["type": "Use active, won or lost."])
        }
        return try await scope.write { db in
            var pipeline: String?
            if kind == .opportunity {
                if let pipelineID {
                    guard try await db.select(from: .pipelines).column("id").where("id", .equal, pipelineID).first() != nil else {
                        throw CloseError.validation(["pipeline_id": "Invalid pipeline id."])
                    }
                    pipeline = pipelineID
                } else {
                    pipeline = try await db.select(from: .pipelines).column("id").orderBy("position").limit(1)
                        .first(decodingColumn: "id", as: String.self)
                }
            }
            let now = CloseTimestamp.now()
            let position = try await db.select(from: .statuses).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .where("kind", .equal, kind.rawValue).first(decodingColumn: "n", as: Int.self) ?? 0
            let status = Status(
                id: ClosrID.make(.status), organizationID: db.organizationID, kind: kind, label: label,
                type: kind == .opportunity ? type : nil, pipelineID: pipeline, dateCreated: now, dateUpdated: now
            )
            try await db.insert(into: .statuses, [
                ("id", status.id), ("kind", kind.rawValue), ("label", label), ("type", status.type),
                ("pipeline_id", pipeline), ("position", position), ("date_created", now.microseconds),
                ("date_updated", now.microseconds),
            ]).run()
            try await EventLog.record(
                in: db, objectType: "status.\(kind.rawValue)", objectID: status.id, action: "created",
                data: status.jsonValue, origin: origin, at: now
            )
            return status
        }
    }

    /// Renames a status.
    public func rename(_ kind: Status.Kind, id: String, label: String?, in scope: OrgScope, origin: RequestOrigin) async throws -> Status {
        return try await scope.write { db in
            var status = try await Self.status(kind, id: id, in: db)
            guard let label else { return status }
            let newLabel = try Self.validLabel(label)
            let now = CloseTimestamp.now()
            try await db.update(.statuses).set("label", to: newLabel).set("date_updated", to: now.microseconds)
                .where("id", .equal, id).run()
            let previous = status.label
            status.label = newLabel
            status.dateUpdated = now
            try await EventLog.record(
                in: db, objectType: "status.\(kind.rawValue)", objectID: id, action: "updated",
                changedFields: ["label"], data: status.jsonValue, previousData: .object([("label", .string(previous))]),
                origin: origin, at: now
            )
            return status
        }
    }

    /// Deletes a status no lead or opportunity uses.
    public func delete(_ kind: Status.Kind, id: String, in scope: OrgScope, origin: RequestOrigin) async throws {
        try await scope.write { db in
            let status = try await Self.status(kind, id: id, in: db)
            let table: TenantTable = kind == .lead ? .leads : .opportunities
            guard try await db.select(from: table).column("id").where("status_id", .equal, id).limit(1).first() == nil else {
                throw CloseError.badRequest("This status is in use: move its \(kind == .lead ? "leads" : "opportunities") to another status first.")
            }
            try await db.delete(from: .statuses).where("id", .equal, id).run()
            try await EventLog.record(
                in: db, objectType: "status.\(kind.rawValue)", objectID: id, action: "deleted", data: nil,
                previousData: status.jsonValue, origin: origin
            )
        }
    }

    // MARK: Pipelines

    public func pipelines(in scope: OrgScope) async throws -> [Pipeline] {
        try await scope.read { db in
            let statuses = try await Self.statuses(.opportunity, in: db)
            return try await db.select(from: .pipelines).column("*").orderBy("position").orderBy("date_created")
                .all(decoding: PipelineRow.self, with: Self.decoder)
                .map { Self.pipeline($0, statuses: statuses) }
        }
    }

    public func pipeline(id: String, in scope: OrgScope) async throws -> Pipeline {
        guard let pipeline = try await pipelines(in: scope).first(where: { $0.id == id }) else {
            throw CloseError.notFound("Pipeline not found")
        }
        return pipeline
    }

    public func createPipeline(name: String?, in scope: OrgScope, origin: RequestOrigin) async throws -> Pipeline {
        let name = try Self.validLabel(name, field: "name")
        let now = CloseTimestamp.now()
        let pipeline = Pipeline(id: ClosrID.make(.pipeline), organizationID: scope.organizationID, name: name, statuses: [], dateCreated: now, dateUpdated: now)
        try await scope.write { db in
            let position = try await db.select(from: .pipelines).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .first(decodingColumn: "n", as: Int.self) ?? 0
            try await db.insert(into: .pipelines, [
                ("id", pipeline.id), ("name", name), ("position", position), ("date_created", now.microseconds),
                ("date_updated", now.microseconds),
            ]).run()
            try await EventLog.record(in: db, objectType: "pipeline", objectID: pipeline.id, action: "created", data: pipeline.jsonValue, origin: origin, at: now)
        }
        return pipeline
    }

    public func renamePipeline(id: String, name: String?, in scope: OrgScope, origin: RequestOrigin) async throws -> Pipeline {
        if let name {
            let name = try Self.validLabel(name, field: "name")
            try await scope.write { db in
                guard try await db.select(from: .pipelines).column("id").where("id", .equal, id).first() != nil else {
                    throw CloseError.notFound("Pipeline not found")
                }
                let now = CloseTimestamp.now()
                try await db.update(.pipelines).set("name", to: name).set("date_updated", to: now.microseconds).where("id", .equal, id).run()
                try await EventLog.record(
                    in: db, objectType: "pipeline", objectID: id, action: "updated", changedFields: ["name"],
                    data: .object([("id", .string(id)), ("name", .string(name))]), origin: origin, at: now
                )
            }
        }
        return try await pipeline(id: id, in: scope)
    }

    /// Deletes a pipeline that has no statuses left.
    public func deletePipeline(id: String, in scope: OrgScope, origin: RequestOrigin) async throws {
        let pipeline = try await pipeline(id: id, in: scope)
        guard pipeline.statuses.isEmpty else {
            throw CloseError.badRequest("This pipeline still has statuses: delete or move them first.")
        }
        try await scope.write { db in
            try await db.delete(from: .pipelines).where("id", .equal, id).run()
            try await EventLog.record(in: db, objectType: "pipeline", objectID: id, action: "deleted", data: nil, previousData: pipeline.jsonValue, origin: origin)
        }
    }

    static func pipeline(_ row: PipelineRow, statuses: [Status]) -> Pipeline {
        Pipeline(
            id: row.id, organizationID: row.organizationId, name: row.name,
            statuses: statuses.filter { $0.pipelineID == row.id },
            dateCreated: CloseTimestamp(microseconds: row.dateCreated), dateUpdated: CloseTimestamp(microseconds: row.dateUpdated)
        )
    }

    static func validLabel(_ label: String?, field: String = "label") throws -> String {
        let trimmed = (label ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw CloseError.validation([field: "This field is required (1 to 200 characters)."])
        }
        return trimmed
    }
}
