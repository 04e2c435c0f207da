/// One resource of the API (`lead/`, `opportunity/`, …): get, create, update, delete, and its list read
/// page by page, over any ``CloseAPI``.
public struct Resource<Object: WireDecodable & Sendable>: Sendable {
    let api: any CloseAPI
    /// The resource's path under the base URL, ending in `/`.
    public let path: String

    /// The whole object (a `_fields`-narrowed one would lack members the type needs).
    public func get(_ id: String) async throws -> Object {
        try await api.get(Object.self, item(id))
    }

    /// The object's path: its id is one path segment, percent-encoded, so no id can reach another
    /// endpoint (`../lead/x`) or add a query (`x/?_fields=id`).
    public func item(_ id: String) -> String { path + CloseAPIDecoding.percentEncoded(id) + "/" }

    /// Creates an object from a body in Close's own shape (`["name": "Acme"]`).
    public func create(_ body: JSONValue) async throws -> Object {
        try CloseAPIDecoding.decode(Object.self, try await api.send(.POST, path, body: body))
    }

    /// Changes the members the body names (Close's `PUT` is a partial update).
    public func update(_ id: String, _ changes: JSONValue) async throws -> Object {
        try CloseAPIDecoding.decode(Object.self, try await api.send(.PUT, item(id), body: changes))
    }

    public func delete(_ id: String) async throws {
        _ = try await api.send(.DELETE, item(id))
    }

    /// One page: `_skip`/`_limit` with the list's filters.
    public func page(skip: Int = 0, limit: Int = 100, query: [(String, String)] = []) async throws -> Page<Object> {
        try Page(try await api.send(.GET, path, query: query + PageRequest(skip: skip, limit: limit).queryItems))
    }

    /// One page of objects narrowed to some members (`_fields`), as JSON: a narrowed object lacks
    /// members its type needs, so it is not decoded into one.
    public func page(_ request: PageRequest, query: [(String, String)] = []) async throws -> JSONValue {
        let body = try await api.send(.GET, path, query: query + request.queryItems)
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw UnreadableAnswer(type: "page of \(Object.self)", reason: String(describing: error))
        }
    }

    /// Every object of the list, read page by page while `has_more` says there are more.
    public func list(query: [(String, String)] = [], pageSize: Int = 100) -> Pages<Object> {
        Pages(resource: self, query: query, pageSize: pageSize)
    }
}

/// A page of a list: `{"has_more", "total_results"?, "data"}`.
public struct Page<Object: WireDecodable & Sendable>: Sendable {
    public let objects: [Object]
    public let hasMore: Bool
    /// Leads, contacts and opportunities count their matches; activities and tasks do not.
    public let totalResults: Int?

    public init(_ body: [UInt8]) throws {
        let wire: WireObject
        do {
            wire = try WireObject(try JSONValue(parsing: body))
            objects = try wire.objects("data")
            hasMore = try wire.optionalBool("has_more") ?? false
            totalResults = try wire.optionalInt("total_results")
        } catch {
            throw UnreadableAnswer(type: "page of \(Object.self)", reason: String(describing: error))
        }
    }
}

/// Every object of a list, page by page, as an async sequence. While one page is being read, the next is
/// already on its way (at most one request ahead), so a reader that decodes or prints as it goes does not
/// wait for the network between pages.
public struct Pages<Object: WireDecodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Object
    let resource: Resource<Object>
    let query: [(String, String)]
    let pageSize: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: Pages
        var buffer: [Object] = []
        var skip = 0
        var done = false
        /// The next page, requested when the one before it arrived; cancelled when the reader stops early
        /// (drops the iterator) or is cancelled itself.
        var ahead: PageAhead<Object>?

        public mutating func next() async throws -> Object? {
            if buffer.isEmpty, !done {
                let request = ahead ?? PageAhead(pages.resource, skip: skip, limit: pages.pageSize, query: pages.query)
                ahead = nil
                let page = try await request.value()
                buffer = page.objects.reversed()
                skip += page.objects.count
                done = !page.hasMore || page.objects.isEmpty
                if !done { ahead = PageAhead(pages.resource, skip: skip, limit: pages.pageSize, query: pages.query) }
            }
            return buffer.popLast()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }

    /// Every object, read to the end.
    public func all() async throws -> [Object] {
        var objects: [Object] = []
        for try await object in self { objects.append(object) }
        return objects
    }
}


/// A page requested ahead of its reading: the request's task, cancelled if nobody reads it.
final class PageAhead<Object: WireDecodable & Sendable>: Sendable {
    private let task: Task<Page<Object>, any Error>

    init(_ resource: Resource<Object>, skip: Int, limit: Int, query: [(String, String)]) {
        task = Task { try await resource.page(skip: skip, limit: limit, query: query) }
    }

    func value() async throws -> Page<Object> {
        try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    deinit { task.cancel() }
}
