import ClosrCore
import ClosrModel
import Hummingbird

/// `GET /page_view/` (Closr's own): the tracker's page views, newest first, `{"has_more", "data"}` as
/// activities are; `lead_id` lists the views of every visitor that became that lead (before and after
/// the post), `visitor_id` one visitor's.
struct PageViewController {
    let pageViews: PageViewService

    func addRoutes(to routes: CloseRoutes) {
        routes.on("page_view", .get) { request, context in
            let principal = try context.requirePrincipal()
            let list = try ListQuery(request, maxSkip: ListQuery.offsetListMaxSkip)
            let query = QueryParameters(request)
            let (views, hasMore) = try await pageViews.list(
                leadID: query.nonEmpty("lead_id"), visitorID: query.nonEmpty("visitor_id"),
                skip: list.skip, limit: list.limit, in: principal.scope
            )
            return JSONResponse.make(FieldSelection(request).page(.object([("has_more", .bool(hasMore)), ("data", .array(views.map(\.jsonValue)))])))
        }
    }
}
