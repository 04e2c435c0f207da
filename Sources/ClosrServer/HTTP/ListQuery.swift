import ClosrModel
import Hummingbird

/// Close's offset pagination on a list: the request's ``PageRequest`` (`_skip`, `_limit`, parsed by the
/// rules ClosrModel states once for server and client), and the page envelopes written from it.
struct ListQuery {
    let skip: Int
    let limit: Int

    /// `maxSkip`: how deep a list that is read by offset may be paged (activities, tasks).
    init(_ request: Request, defaultLimit: Int = 100, maxLimit: Int = 1000, maxSkip: Int? = nil) throws {
        let query = QueryParameters(request)
        let page = try PageRequest(parameter: { query[$0] }, defaultLimit: defaultLimit, maxLimit: maxLimit, maxSkip: maxSkip)
        skip = page.skip
        limit = page.limit ?? defaultLimit
    }

    /// The deepest `_skip` of lists read by offset without an index to seek on.
    static let offsetListMaxSkip = 250_000

    /// `{"has_more", "data"}`, for lists that do not count their matches (activities, tasks).
    func write(_ items: [some JSONWritable], hasMore: Bool, fields: Set<String>?) -> [UInt8] {
        var writer = JSONWriter(fields: fields, depth: 3, capacity: 256 + items.count * 1024)
        writer.beginObject()
        _ = writer.key("has_more")
        writer.bool(hasMore)
        _ = writer.key("data")
        writer.beginArray()
        for item in items { item.write(to: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The page of an already complete, small list (statuses, pipelines, custom fields, users).
    func page(ofAll items: [some JSONRepresentable]) -> JSONValue {
        page(Array(items.dropFirst(skip).prefix(limit)), total: items.count)
    }

    /// `{"has_more", "total_results", "data"}` written without a tree, each item cut to `fields`; `extra`
    /// adds members after `data` (an opportunity list's aggregates).
    func write(_ items: [some JSONWritable], total: Int, fields: Set<String>?, extra: JSONValue? = nil) -> [UInt8] {
        // Items sit at depth 3: the envelope object, the `data` array, the item.
        var writer = JSONWriter(fields: fields, depth: 3, capacity: 256 + items.count * 2048)
        Self.beginPage(&writer, hasMore: skip + items.count < total, total: total)
        for item in items { item.write(to: &writer) }
        writer.endArray()
        for (key, value) in extra?.objectMembers ?? [] where writer.key(key) {
            writer.value(value)
        }
        writer.endObject()
        return writer.bytes
    }

    /// `{"has_more": …, "total_results": …, "data": [` — the envelope up to its first item, which
    /// ``write(_:total:fields:extra:)`` and streamed pages (``LeadPageResponse``) both start with.
    static func beginPage(_ writer: inout JSONWriter, hasMore: Bool, total: Int) {
        writer.beginObject()
        _ = writer.key("has_more")
        writer.bool(hasMore)
        _ = writer.key("total_results")
        writer.int(total)
        _ = writer.key("data")
        writer.beginArray()
    }

    /// `{"has_more", "total_results", "data"}`.
    func page(_ items: [some JSONRepresentable], total: Int) -> JSONValue {
        .object([
            ("has_more", .bool(skip + items.count < total)),
            ("total_results", .int(total)),
            ("data", .array(items)),
        ])
    }
}
