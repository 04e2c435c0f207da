import ClosrModel
import Hummingbird

/// Registers routes on a router group and remembers which methods each path accepts, so that
/// ``finish()`` can answer every other method on a known path with 405 and an `Allow` header
/// (Hummingbird alone would answer 404).
///
/// Paths are matched by Hummingbird's trie, which ignores empty segments: `/lead/`, `/lead` and
/// `//lead/` reach the same route, as close-api.md §1.1 requires.
final class CloseRoutes {
    typealias Handler = @Sendable (Request, ClosrRequestContext) async throws -> Response

    private let group: RouterGroup<ClosrRequestContext>
    private var methodsByPath: [String: [HTTPRequest.Method]] = [:]
    private var pathOrder: [String] = []

    init(group: RouterGroup<ClosrRequestContext>) {
        self.group = group
    }

    /// Adds a route. A `PUT` route also answers `PATCH`: every Close `PUT` is a partial update already
    /// (close-api.md §1.1).
    func on(_ path: String, _ method: HTTPRequest.Method, use handler: @escaping Handler) {
        if methodsByPath[path] == nil { pathOrder.append(path) }
        let methods: [HTTPRequest.Method] = method == .put ? [.put, .patch] : [method]
        for method in methods {
            methodsByPath[path, default: []].append(method)
            group.on(RouterPath(path), method: method, use: handler)
        }
    }

    /// Adds the 405 responders; call once, after every route is registered.
    func finish() {
        let candidates: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options]
        for path in pathOrder {
            let methods = methodsByPath[path] ?? []
            var allowed = methods.map(\.rawValue)
            if methods.contains(.get) { allowed.append("HEAD") }
            let error = CloseError.methodNotAllowed(allowed: allowed)
            for method in candidates where !methods.contains(method) {
                group.on(RouterPath(path), method: method) { _, _ -> Response in throw error }
            }
        }
    }
}
