import ArgumentParser
import ClosrClient
import ClosrModel

/// `closr lead …`, `closr contact …`, `closr opportunity …`: the CRM through ClosrClient, against any
/// Close-compatible API (`--url`, `--api-key`), as a person reads it (tables) or a script does (`--json`).
struct LeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lead", abstract: "List, show, create, update and delete leads over the API.",
        subcommands: [ListCommand<Leads>.self, GetCommand<Leads>.self, CreateCommand<Leads>.self, UpdateCommand<Leads>.self, DeleteCommand<Leads>.self]
    )
}

struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact", abstract: "List, show, create, update and delete contacts over the API.",
        subcommands: [
            ListCommand<Contacts>.self, GetCommand<Contacts>.self, CreateCommand<Contacts>.self, UpdateCommand<Contacts>.self,
            DeleteCommand<Contacts>.self,
        ]
    )
}

struct OpportunityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opportunity", abstract: "List, show, create, update and delete opportunities over the API.",
        subcommands: [
            ListCommand<Opportunities>.self, GetCommand<Opportunities>.self, CreateCommand<Opportunities>.self,
            UpdateCommand<Opportunities>.self, DeleteCommand<Opportunities>.self,
        ]
    )
}

enum Leads: CLIResource {
    static let name = "lead"
    static let plural = "leads"
    static let filterHelp = "query (Close's lead query: words, name:, email:, status:, …)"
    static func resource(_ client: ClosrClient) -> Resource<Lead> { client.leads }
    static var columns: [(title: String, cell: @Sendable (Lead) -> String)] {
        [
            ("ID", { $0.id }), ("NAME", { $0.displayName }), ("STATUS", { $0.statusLabel }), ("CONTACTS", { String($0.contacts.count) }),
            ("EMAIL", { $0.contacts.lazy.flatMap(\.emails).first?.email ?? "" }), ("CREATED", { TableCell.date($0.dateCreated) }),
        ]
    }
}

enum Contacts: CLIResource {
    static let name = "contact"
    static let plural = "contacts"
    static let filterHelp = "lead_id"
    static func resource(_ client: ClosrClient) -> Resource<Contact> { client.contacts }
    static var columns: [(title: String, cell: @Sendable (Contact) -> String)] {
        [
            ("ID", { $0.id }), ("NAME", { $0.displayName }), ("TITLE", { $0.title }), ("EMAIL", { $0.emails.first?.email ?? "" }),
            ("PHONE", { $0.phones.first?.phone ?? "" }), ("LEAD", { $0.leadID }),
        ]
    }
}

enum Opportunities: CLIResource {
    static let name = "opportunity"
    static let plural = "opportunities"
    static let filterHelp = "lead_id, status_type (active, won, lost), status_id, user_id, date_updated__gte, …"
    static func resource(_ client: ClosrClient) -> Resource<Opportunity> { client.opportunities }
    static var columns: [(title: String, cell: @Sendable (Opportunity) -> String)] {
        [
            ("ID", { $0.id }), ("LEAD", { $0.leadName }), ("STATUS", { $0.statusLabel }), ("TYPE", { $0.statusType }),
            ("VALUE", { Money.formatted(cents: $0.value, currency: $0.valueCurrency, period: $0.valuePeriod) }),
            ("CONFIDENCE", { "\($0.confidence)%" }), ("UPDATED", { TableCell.date($0.dateUpdated) }),
        ]
    }
}

enum TableCell {
    /// `2024-03-01 14:05` (UTC).
    static func date(_ timestamp: CloseTimestamp) -> String { KeysListCommand.short(timestamp) }
}
