import ClosrCore
import ClosrModel
import Hummingbird

/// `/status/lead/`, `/status/opportunity/` and `/pipeline/` (close-api.md §8).
struct StatusController {
    let statuses: StatusService
    let maxBodyBytes: Int

    struct StatusBody: Decodable {
        let label: String?
        let type: String?
        let pipelineID: String?

        enum CodingKeys: String, CodingKey {
            case label, type
            case pipelineID = "pipeline_id"
        }
    }

    struct PipelineBody: Decodable {
        let name: String?
    }

    func addRoutes(to routes: CloseRoutes) {
        for kind in [Status.Kind.lead, .opportunity] {
            let path = "status/\(kind.rawValue)"
            routes.on(path, .get) { request, context in
                let principal = try context.requirePrincipal()
                let query = try ListQuery(request)
                let dates = try DateRangeFilter(QueryParameters(request))
                let all = try await statuses.list(kind, in: principal.scope).filter(dates.admits)
                return JSONResponse.make(FieldSelection(request).page(query.page(ofAll: all)))
            }
            routes.on(path, .post) { request, context in
                let principal = try context.requirePrincipal()
                let body = try await JSONRequestBody.decode(StatusBody.self, from: request, maxBytes: maxBodyBytes)
                return JSONResponse.make(fieldsOf: request, try await statuses.create(
                    kind, label: body.label, type: body.type, pipelineID: body.pipelineID, in: principal.scope,
                    origin: context.origin(of: request)
                ))
            }
            routes.on("\(path)/:id", .get) { request, context in
                let principal = try context.requirePrincipal()
                return JSONResponse.make(fieldsOf: request, try await statuses.get(kind, id: try context.parameters.require("id"), in: principal.scope))
            }
            routes.on("\(path)/:id", .put) { request, context in
                let principal = try context.requirePrincipal()
                let body = try await JSONRequestBody.decode(StatusBody.self, from: request, maxBytes: maxBodyBytes)
                return JSONResponse.make(fieldsOf: request, try await statuses.rename(
                    kind, id: try context.parameters.require("id"), label: body.label, in: principal.scope,
                    origin: context.origin(of: request)
                ))
            }
            routes.on("\(path)/:id", .delete) { request, context in
                let principal = try context.requirePrincipal()
                try await statuses.delete(kind, id: try context.parameters.require("id"), in: principal.scope, origin: context.origin(of: request))
                return JSONResponse.make(.object([]))
            }
        }
        routes.on("pipeline", .get) { request, context in
            let principal = try context.requirePrincipal()
            let query = try ListQuery(request)
            let dates = try DateRangeFilter(QueryParameters(request))
            let all = try await statuses.pipelines(in: principal.scope).filter(dates.admits)
            return JSONResponse.make(FieldSelection(request).page(query.page(ofAll: all)))
        }
        routes.on("pipeline", .post) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.decode(PipelineBody.self, from: request, maxBytes: maxBodyBytes)
            return JSONResponse.make(fieldsOf: request, try await statuses.createPipeline(name: body.name, in: principal.scope, origin: context.origin(of: request)))
        }
        routes.on("pipeline/:id", .get) { request, context in
            let principal = try context.requirePrincipal()
            return JSONResponse.make(fieldsOf: request, try await statuses.pipeline(id: try context.parameters.require("id"), in: principal.scope))
        }
        routes.on("pipeline/:id", .put) { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONRequestBody.decode(PipelineBody.self, from: request, maxBytes: maxBodyBytes)
            return JSONResponse.make(fieldsOf: request, try await statuses.renamePipeline(
                id: try context.parameters.require("id"), name: body.name, in: principal.scope, origin: context.origin(of: request)
            ))
        }
        routes.on("pipeline/:id", .delete) { request, context in
            let principal = try context.requirePrincipal()
            try await statuses.deletePipeline(id: try context.parameters.require("id"), in: principal.scope, origin: context.origin(of: request))
            return JSONResponse.make(.object([]))
        }
    }
}
