import ArgumentParser
import ClosrCore
import ClosrModel

/// `closr inbound`: shows, and with options changes, the organization's inbound settings — the browser
/// origins whose pages may post leads and page views, dedupe by email, and Do Not Track — on the
/// database, as `PUT /api/v1/inbound_settings/` does over the API.
struct InboundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbound",
        abstract: "Show or change inbound lead intake settings: allowed origins, dedupe by email, Do Not Track."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Allow posts from this browser origin, such as https://www.example.com or https://*.example.com (repeatable).", valueName: "origin"))
    var allowOrigin: [String] = []

    @Option(help: ArgumentHelp("Stop allowing this origin (repeatable).", valueName: "origin"))
    var removeOrigin: [String] = []

    @Option(help: ArgumentHelp("Attach a post whose email matches a contact to that contact's lead: on or off.", valueName: "on|off"))
    var dedupe: Switch?

    @Option(help: ArgumentHelp("Drop page views from browsers that send Do Not Track or Global Privacy Control: on or off.", valueName: "on|off"))
    var respectDoNotTrack: Switch?

    enum Switch: String, ExpressibleByArgument {
        case on, off
    }

    func run() async throws {
        let settings = try await AdminContext.with(database) { admin in
            let service = admin.services.inboundSettings
            var current = try await service.settings(in: admin.scope)
            var changes: [(String, JSONValue)] = []
            if !allowOrigin.isEmpty || !removeOrigin.isEmpty {
                let removed = Set(removeOrigin.map { BrowserOrigin.normalized($0) ?? $0 })
                let origins = current.allowedOrigins.filter { !removed.contains($0) } + allowOrigin
                changes.append(("allowed_origins", .array(origins.map(JSONValue.string))))
            }
            if let dedupe { changes.append(("dedupe_by_email", .bool(dedupe == .on))) }
            if let respectDoNotTrack { changes.append(("respect_do_not_track", .bool(respectDoNotTrack == .on))) }
            if !changes.isEmpty {
                current = try await service.update(.object(changes), in: admin.scope, asAdmin: true, origin: admin.origin)
            }
            return current
        }
        CLIOutput.line("allowed origins:       " + (settings.allowedOrigins.isEmpty ? "none (browser posts are refused; Zapier, Make and servers may post)" : settings.allowedOrigins.joined(separator: " ")))
        CLIOutput.line("dedupe by email:       " + (settings.dedupeByEmail ? "on" : "off"))
        CLIOutput.line("respect Do Not Track:  " + (settings.respectDoNotTrack ? "on" : "off"))
    }
}
