/// The event log, read by cursor (`_cursor` / `cursor_next`) as Close pages it, newest first.
public struct EventPages: AsyncSequence, Sendable {
    public typealias Element = Event
    let api: any CloseAPI
    let query: [(String, String)]

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: EventPages
        var buffer: [Event] = []
        var cursor: String?
        var done = false

        public mutating func next() async throws -> Event? {
            if buffer.isEmpty, !done {
                let body = try await pages.api.send(.GET, "event/", query: pages.query + (cursor.map { [("_cursor", $0)] } ?? []))
                do {
                    let wire = try WireObject(try JSONValue(parsing: body))
                    buffer = try wire.objects("data", as: Event.self).reversed()
                    let next = try wire.optionalString("cursor_next")
                    // A server repeating its cursor would page forever: stop.
                    if next == cursor { done = true }
                    cursor = next
                } catch {
                    throw UnreadableAnswer(type: "page of events", reason: String(describing: error))
                }
                done = done || cursor == nil || buffer.isEmpty
            }
            return buffer.popLast()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }
}

extension CloseAPI {
    /// Every event matching the filters (`object_type`, `action`, `lead_id`, `date_updated__gte`, …), newest first.
    public func events(query: [(String, String)] = []) -> EventPages {
        EventPages(api: self, query: query)
    }
}
