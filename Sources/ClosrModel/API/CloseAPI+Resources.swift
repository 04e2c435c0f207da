extension CloseAPI {
    public var leads: Resource<Lead> { Resource(api: self, path: "lead/") }
    public var contacts: Resource<Contact> { Resource(api: self, path: "contact/") }
    public var opportunities: Resource<Opportunity> { Resource(api: self, path: "opportunity/") }
    public var tasks: Resource<CloseTask> { Resource(api: self, path: "task/") }
    public var notes: Resource<Activity> { Resource(api: self, path: "activity/note/") }
    /// Every activity type's list (`activity/`); create through the type's own resource (``notes``, ``activities(_:)``).
    public var activities: Resource<Activity> { Resource(api: self, path: "activity/") }
    /// One activity type's resource: `call`, `email`, `sms`, `meeting`, `custom`, `form_submission`, …
    public func activities(_ type: String) -> Resource<Activity> { Resource(api: self, path: "activity/\(type)/") }
    public var leadStatuses: Resource<Status> { Resource(api: self, path: "status/lead/") }
    public var opportunityStatuses: Resource<Status> { Resource(api: self, path: "status/opportunity/") }
    public var pipelines: Resource<Pipeline> { Resource(api: self, path: "pipeline/") }
    /// `lead`, `contact`, `opportunity` or `activity`.
    public func customFields(_ objectType: String) -> Resource<CustomField> { Resource(api: self, path: "custom_field/\(objectType)/") }
    public var customActivityTypes: Resource<CustomActivityType> { Resource(api: self, path: "custom_activity/") }
    public var webhooks: Resource<WebhookSubscription> { Resource(api: self, path: "webhook/") }

    /// The organization's users (`user/`).
    public func users() async throws -> [User] {
        try CloseAPIDecoding.decodeAccount(UserList.self, try await send(.GET, "user/")).data
    }

    /// The calling user with their organizations (`me/`).
    public func me() async throws -> Me {
        try CloseAPIDecoding.decodeAccount(Me.self, try await send(.GET, "me/"))
    }
}

/// `user/`'s answer: `{"data": [...]}`.
private struct UserList: Decodable {
    let data: [User]
}
