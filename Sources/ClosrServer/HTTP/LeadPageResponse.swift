import ClosrCore
import ClosrModel
import Hummingbird
import NIOCore

/// A page of leads as Close's list envelope, written a batch at a time so that its memory stays bounded
/// whatever the leads hold.
///
/// A page of up to ``firstBatch`` leads is read and written whole, with a `Content-Length`. A longer
/// page reads its first batch before answering (so a failure there is still a JSON error), then streams:
/// each next batch is sized from the bytes per lead of the one before, to about ``batchBytes``, and is
/// written before the next is read (the response writer waits for the client, so a slow client holds
/// back the reading, not memory). `has_more` counts the page's ids, read with the total before any lead.
enum LeadPageResponse {
    static let firstBatch = 25
    static let batchBytes = 1 << 20
    static let largestBatch = 1000

    static func make(_ page: LeadPage, list: ListQuery, fields: Set<String>?) async throws -> Response {
        let first = try await page.leads(page.ids.prefix(firstBatch))
        guard page.ids.count > firstBatch else {
            return JSONResponse.make(json: list.write(first, total: page.total, fields: fields))
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let hasMore = list.skip + page.ids.count < page.total
        return Response(status: .ok, headers: headers, body: ResponseBody { out in
            var writer = JSONWriter(fields: fields, depth: 3, capacity: 64 * 1024)
            ListQuery.beginPage(&writer, hasMore: hasMore, total: page.total)
            var batch = first
            var position = firstBatch
            while true {
                for lead in batch { writer.value(lead) }
                let bytes = writer.takeBytes()
                try await out.write(ByteBuffer(bytes: bytes))
                guard position < page.ids.count else { break }
                let end = min(page.ids.count, position + Self.nextBatch(after: batch.count, bytes: bytes.count))
                batch = try await page.leads(page.ids[position..<end])
                position = end
            }
            writer.endArray()
            writer.endObject()
            try await out.write(ByteBuffer(bytes: writer.takeBytes()))
            try await out.finish(nil)
        })
    }

    /// How many leads the next batch reads, given the last batch's count and bytes.
    static func nextBatch(after count: Int, bytes: Int) -> Int {
        guard count > 0, bytes > 0 else { return firstBatch }
        return max(1, min(largestBatch, batchBytes / max(1, bytes / count)))
    }
}
