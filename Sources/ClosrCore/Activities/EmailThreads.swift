import ClosrModel
import Foundation
import SQLKit

/// Emails live in threads (close-api-more.md §B.4): an email logged without a `thread_id` starts a new
/// `EmailThread` on its lead, one with a thread's id joins it. A thread's `n_emails`,
/// `latest_normalized_subject` and `participants` follow its emails; its `emails` are read with it.
enum EmailThreads {
    /// The thread an email being created goes into: the given one (which must be an email thread of the
    /// same lead), else a new one written now with its event.
    static func thread(for requested: String?, leadID: String?, contactID: String?, userID: String?, origin: RequestOrigin, at now: CloseTimestamp, in db: TenantDatabase) async throws -> String {
        if let requested {
            guard let lead = try await db.select(from: .activities).column("lead_id").where("id", .equal, requested)
                .where("type", .equal, ActivityKind.emailThread.type).first(), (try? lead.decode(column: "lead_id", as: String?.self)) == leadID
            else { throw CloseError.validation(["thread_id": "Invalid thread id: not an email thread of this lead."]) }
            return requested
        }
        let id = ClosrID.make(.activity)
        try await db.insert(into: .activities, ActivityRow.insertColumns(
            id: id, kind: .emailThread, leadID: leadID, contactID: contactID, userID: userID, activityAt: now.microseconds,
            fields: ActivityKind.emailThread.defaults, createdBy: origin.userID, at: now.microseconds
        )).run()
        let thread = try await ActivityService.activity(id: id, kind: .emailThread, in: db)
        try await EventLog.record(
            in: db, objectType: ActivityKind.emailThread.eventObjectType ?? "activity.email_thread", objectID: id, leadID: leadID,
            action: "created", data: thread.jsonValue, origin: origin, at: now
        )
        return id
    }

    /// Recomputes a thread's members from its emails (after one is added, changed or deleted).
    static func refresh(_ threadID: String, in db: TenantDatabase) async throws {
        let emails = try await db.select(from: .activities).column("*").where("type", .equal, ActivityKind.email.type)
            .where("related_id", .equal, threadID).orderBy("date_created").orderBy("id").all(ActivityRow.self)
        guard let row = try await db.select(from: .activities).column("*").where("id", .equal, threadID).first(ActivityRow.self) else { return }
        var fields = row.fields
        var participants: [JSONValue] = []
        var seen: Set<String> = []
        for email in emails {
            let addresses = [ActivityService.value(email.fields, "sender")] + ["to", "cc"].flatMap { ActivityService.value(email.fields, $0).arrayValues }
            for address in addresses.compactMap(\.text) {
                let (name, mail) = Self.split(address)
                if !mail.isEmpty, seen.insert(mail.lowercased()).inserted {
                    participants.append(.object([("email", .string(mail)), ("name", .string(name))]))
                }
            }
        }
        ActivityService.set(&fields, "n_emails", .int(emails.count))
        ActivityService.set(&fields, "latest_normalized_subject", .string(Self.normalized(emails.last.flatMap { ActivityService.value($0.fields, "subject").text } ?? "")))
        ActivityService.set(&fields, "participants", .array(participants))
        try await db.update(.activities).set("fields", to: JSONColumn.text(.object(fields))).where("id", .equal, threadID).run()
    }

    /// Threads with their emails filled in (`emails` stripped of nothing: Closr's emails are small).
    static func withEmails(_ activities: [Activity], in db: TenantDatabase) async throws -> [Activity] {
        let threadIDs = activities.filter { $0.type == ActivityKind.emailThread.type }.map(\.id)
        guard !threadIDs.isEmpty else { return activities }
        let directory = try await CRMDirectory.load(db)
        let emails = try await db.select(from: .activities).column("*").where("type", .equal, ActivityKind.email.type)
            .where("related_id", .in, threadIDs).orderBy("date_created").orderBy("id").all(ActivityRow.self)
        let byThread = Dictionary(grouping: emails, by: { $0.relatedId ?? "" })
        return activities.map { activity in
            guard activity.type == ActivityKind.emailThread.type else { return activity }
            var thread = activity
            if let index = thread.fields.firstIndex(where: { $0.0 == "emails" }) {
                thread.fields[index].1 = .array((byThread[activity.id] ?? []).map { $0.activity(directory).jsonValue })
            }
            return thread
        }
    }

    /// `Ada <ada@x.com>` → ("Ada", "ada@x.com"); a bare address has no name.
    static func split(_ address: String) -> (name: String, email: String) {
        guard let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close else {
            return ("", address.trimmingCharacters(in: .whitespaces))
        }
        let name = address[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
        return (name, String(address[address.index(after: open)..<close]))
    }

    /// A subject without its `Re:`/`Fwd:` prefixes.
    static func normalized(_ subject: String) -> String {
        var text = subject.trimmingCharacters(in: .whitespaces)
        while let prefix = ["re:", "fwd:", "fw:"].first(where: { text.lowercased().hasPrefix($0) }) {
            text = String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return text
    }
}
