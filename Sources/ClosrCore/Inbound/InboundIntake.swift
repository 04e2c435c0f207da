import ClosrModel
import SQLKit

/// `POST /api/leads/inbound`: turns one web-form, Zapier or Make post into a lead with a contact (or
/// finds the lead its email already belongs to), records the post as a `FormSubmission` activity, and
/// links the tracker's visitor to the lead. Everything a post writes is one batch of inserts, committed
/// before the caller answers: a post answered 2xx is never lost, and a post that fails wrote nothing.
public struct InboundIntake: Sendable {
    let leads: LeadService
    /// Posts of one email address in one organization, one at a time. Several nodes on one PostgreSQL
    /// each serialise their own posts only (README, "PostgreSQL and several nodes").
    private let sameEmail = SerialLanes()

    public init(leads: LeadService) {
        self.leads = leads
    }

    /// Where a post came from, as the HTTP layer saw it.
    public struct Context: Sendable {
        public var ip: String?
        /// The `Origin` header of a browser post.
        public var browserOrigin: String?
        /// The `Referer` header: the page the form was on, when the post does not say.
        public var referer: String?
        /// The browser sent `DNT: 1` or `Sec-GPC: 1`.
        public var doNotTrack: Bool

        public init(ip: String?, browserOrigin: String?, referer: String?, doNotTrack: Bool) {
            self.ip = ip
            self.browserOrigin = browserOrigin
            self.referer = referer
            self.doNotTrack = doNotTrack
        }
    }

    /// What a post needs of its organization's configuration, read once (from the cache) when the
    /// request is admitted: the settings that judge its origin, and the directory its lead is built with.
    public struct Configuration: Sendable {
        public let settings: InboundSettings
        let directory: CRMDirectory
    }

    public func configuration(in scope: OrgScope) async throws -> Configuration {
        let directory = try await scope.read { db in try await CRMDirectory.load(db) }
        return Configuration(settings: directory.inboundSettings, directory: directory)
    }

    /// What the post became.
    public struct Outcome: Sendable, JSONRepresentable {
        public var leadID: String
        public var contactID: String?
        public var formSubmissionID: String
        /// False when the post's email belonged to an existing contact and the post was attached to its lead.
        public var newLead: Bool

        public var jsonValue: JSONValue {
            .object([
                ("lead_id", .string(leadID)), ("contact_id", .string(contactID)), ("form_submission_id", .string(formSubmissionID)),
                ("new_lead", .bool(newLead)),
            ])
        }
    }

    public func submit(
        _ submission: InboundSubmission, configuration: Configuration, principal: Principal, origin: RequestOrigin, context: Context
    ) async throws -> Outcome {
        let settings = configuration.settings
        try submission.validate()
        // A bot that filled the honeypot is answered as a person would be (after the same checks), so
        // it learns nothing from the answer; nothing is stored.
        if submission.honeypotFilled {
            return Outcome(leadID: ClosrID.make(.lead), contactID: ClosrID.make(.contact), formSubmissionID: ClosrID.make(.activity), newLead: true)
        }
        var submission = submission
        if let visitor = submission.visitorID, !PageViewService.isVisitorID(visitor) || (settings.respectDoNotTrack && context.doNotTrack) {
            submission.visitorID = nil
        }
        guard submission.dedupe ?? settings.dedupeByEmail, let email = submission.email else {
            return try await create(submission, configuration: configuration, principal: principal, origin: origin, context: context)
        }
        let address = Self.lowercasedASCII(email)
        return try await sameEmail.withLane(principal.organizationID + "\n" + address) {
            let match = try await principal.scope.readRows { db in
                try await db.select(from: .contactEmails).column("contact_id").column("lead_id").where("email", .equal, address)
                    .orderBy("contact_id").first(EmailOwner.self)
            }
            guard let match else {
                return try await create(submission, configuration: configuration, principal: principal, origin: origin, context: context)
            }
            let scope = principal.scope
            let now = CloseTimestamp.now()
            let (rows, id) = Self.submissionRows(
                submission, leadID: match.leadID, contactID: match.contactID, directory: configuration.directory, principal: principal,
                origin: origin, context: context, at: now
            )
            try await scope.insert(rows, requiring: [
                scope.requirement(.leads, id: match.leadID, else: CloseError.conflict("The lead this email belongs to was deleted as the post arrived: post it again")),
            ])
            return Outcome(leadID: match.leadID, contactID: match.contactID, formSubmissionID: id, newLead: false)
        }
    }

    private func create(
        _ submission: InboundSubmission, configuration: Configuration, principal: Principal, origin: RequestOrigin, context: Context
    ) async throws -> Outcome {
        let now = CloseTimestamp.now()
        let new = try await leads.prepareCreate(
            submission.leadBody, principal: principal, origin: origin, source: "webform", at: now, directory: configuration.directory
        )
        let contactID = new.lead.contacts.first?.id
        let (rows, id) = Self.submissionRows(
            submission, leadID: new.lead.id, contactID: contactID, directory: configuration.directory, principal: principal, origin: origin,
            context: context, at: now
        )
        try await principal.scope.insert(new.rows + rows, requiring: new.requirements)
        return Outcome(leadID: new.lead.id, contactID: contactID, formSubmissionID: id, newLead: true)
    }

    /// The post's `FormSubmission` activity, its `created` event, and the visitor's link to the lead.
    private static func submissionRows(
        _ submission: InboundSubmission, leadID: String, contactID: String?, directory: CRMDirectory, principal: Principal,
        origin: RequestOrigin, context: Context, at now: CloseTimestamp
    ) -> (rows: [TenantRow], activityID: String) {
        let scope = principal.scope
        let id = ClosrID.make(.activity)
        let values = JSONValue.object(submission.values.map { ($0.name, .string($0.value)) })
        let sourceURL = submission.sourceURL ?? context.referer
        var fields = ActivityKind.formSubmission.defaults
        ActivityService.set(&fields, "form_name", .string(submission.formName))
        ActivityService.set(&fields, "values", values)
        ActivityService.set(&fields, "values_by_name", values)
        ActivityService.set(&fields, "ip_address", .string(context.ip))
        ActivityService.set(&fields, "origin", .string(context.browserOrigin))
        ActivityService.set(&fields, "source_url", .string(sourceURL.map { String($0.prefix(2000)) }))
        ActivityService.set(&fields, "source_url_normalized", .string(sourceURL.map(Self.normalizedURL)))
        let columns = ActivityRow.insertColumns(
            id: id, kind: .formSubmission, leadID: leadID, contactID: contactID, userID: nil, activityAt: now.microseconds,
            fields: fields, createdBy: principal.userID, at: now.microseconds
        )
        let activity = ActivityRow(
            id: id, organizationId: scope.organizationID, type: ActivityKind.formSubmission.type, leadId: leadID, contactId: contactID,
            userId: nil, relatedId: nil, activityAt: now.microseconds, fields: fields, createdBy: principal.userID,
            updatedBy: principal.userID, dateCreated: now.microseconds, dateUpdated: now.microseconds
        ).activity(directory)
        var rows = [
            scope.row(into: .activities, columns),
            scope.row(into: .events, EventLog.columns(
                objectType: ActivityKind.formSubmission.eventObjectType ?? "activity.form_submission", objectID: id, leadID: leadID,
                action: "created", data: activity.jsonValue, origin: origin, at: now
            )),
        ]
        if let visitor = submission.visitorID {
            rows.append(scope.row(into: .visitorLeads, [
                ("id", ClosrID.make(.visitorLead)), ("visitor_id", visitor), ("lead_id", leadID), ("date_created", now.microseconds),
            ]))
        }
        return (rows, id)
    }

    /// The email as `contact_emails` holds it: only ASCII letters lower-cased, as SQLite's `lower()` and
    /// PostgreSQL's under the C collation do, so both databases and this agree on every address.
    static func lowercasedASCII(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// A page address without its query and fragment (`source_url_normalized`).
    static func normalizedURL(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" }.prefix(2000))
    }

    private struct EmailOwner: ColumnDecodable {
        let contactID: String
        let leadID: String

        init(_ columns: RowColumns) throws {
            contactID = try columns.string("contact_id")
            leadID = try columns.string("lead_id")
        }
    }
}
