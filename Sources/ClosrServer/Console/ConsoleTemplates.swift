import Mustache

/// The console's pages as Mustache templates, parsed once. `{{name}}` escapes HTML, so a label or a lead
/// name with markup or script shows as text; only `{{{body}}}` (a page already rendered here) is raw.
enum ConsoleTemplates {
    /// Every template, by the name pages render it with.
    static let all: [(name: String, text: String)] = [
        ("layout", layout), ("login", login), ("keys", keys), ("leads", leads), ("lead", lead), ("leadForm", leadForm),
        ("team", team), ("invite", invite), ("copyNow", copyNow),
    ]

    /// The templates parsed once, and any that did not parse with the parser's reason. The templates are
    /// constants of this module and `ConsoleTemplateTests` holds that every one parses; should one ever
    /// not, its page says so rather than the server crashing on the first request.
    static let parsed: (library: MustacheLibrary, failures: [String: String]) = {
        var library = MustacheLibrary()
        var failures: [String: String] = [:]
        for (name, text) in all {
            do {
                try library.register(text, named: name)
            } catch {
                failures[name] = String(describing: error)
            }
        }
        return (library, failures)
    }()

    static func render(_ name: String, _ values: [String: Any]) -> String {
        parsed.library.render(values, withTemplate: name)
            ?? "<!doctype html><html lang=\"en\"><title>Closr</title><p>This page could not be shown: its template did not parse.</p></html>"
    }

    static let layout = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Closr</title>
    <link rel="stylesheet" href="/console/console.css">
    <script src="/console/console.js" defer></script>
    </head>
    <body>
    {{#signedIn}}
    <header class="top">
      <span class="brand">Closr</span>
      <nav aria-label="Main"><a href="/leads">Leads</a><a href="/settings/integrations">Settings → Integrations</a><a href="/settings/team">Team</a></nav>
      <span class="muted">{{email}}</span>
      <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button class="secondary" type="submit">Sign out</button></form>
    </header>
    {{/signedIn}}
    <main id="main">
    {{{body}}}
    </main>
    </body>
    </html>
    """

    /// The green panel that shows a secret once (a new key, an invitation link): `panelID`, `message`,
    /// `codeID`, `secret`, `doneHref`, `doneID`.
    static let copyNow = """
    <div class="copy-now" role="status" id="{{panelID}}">
      <p><strong class="badge">COPY NOW</strong> — {{message}}</p>
      <code id="{{codeID}}">{{secret}}</code>
      <button type="button" data-copy="{{codeID}}">Copy</button>
      <a class="button secondary" href="{{doneHref}}" id="{{doneID}}">Done</a>
    </div>
    """

    static let login = """
    <section class="card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to Closr</h1>
      {{#error}}<p class="error" role="alert" id="sign-in-error">{{error}}</p>{{/error}}
      <form method="post" action="/login">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="{{email}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
        <p><button type="submit" id="sign-in">Sign in</button></p>
      </form>
    </section>
    """

    static let keys = """
    <h1>Settings → Integrations</h1>
    <section class="card" aria-labelledby="keys-title" id="api-keys">
      <h2 id="keys-title">API keys</h2>
      <p class="muted">An API key lets a program use this organization's data as you: the web tracker and forms on your site, Zapier and Make, AI agents over MCP, your own scripts. {{#isAdmin}}{{activeCount}} of {{maxKeys}} active keys.{{/isAdmin}}{{^isAdmin}}You have {{activeCount}} active keys; the organization may have {{maxKeys}} in all.{{/isAdmin}}</p>
      {{#created}}{{> copyNow}}{{/created}}
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      {{#limitReached}}<p class="error" id="key-limit">This organization has {{maxKeys}} active keys, the most it may have. Revoke a key you no longer use to generate another.</p>{{/limitReached}}
      <form method="post" action="/settings/api-keys" class="row" id="generate-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div>
          <label for="label">Label</label>
          <input id="label" name="label" type="text" maxlength="{{maxLabel}}" required value="{{labelValue}}"{{#labelError}} aria-invalid="true" aria-describedby="label-error"{{/labelError}}>
          {{#labelError}}<p class="field-error" id="label-error">{{labelError}}</p>{{/labelError}}
        </div>
        <div>
          <label for="scope">Access</label>
          <select id="scope" name="scope">
            <option value="full">Full access</option>
            <option value="read_only">Read only</option>
            <option value="inbound">Web forms and tracker only</option>
          </select>
        </div>
        <div><button type="submit" id="generate"{{#limitReached}} disabled{{/limitReached}}>Generate</button></div>
      </form>
      {{#hasKeys}}
      <table class="keys" aria-label="API keys">
        <thead><tr><th>Label</th><th>Key</th><th>Scopes</th><th>Created</th><th>Last used</th><th>Expires</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
        {{#keys}}
        <tr data-key-id="{{id}}">
          <td data-label="Label">{{label}}{{#owner}} <span class="muted">({{owner}})</span>{{/owner}}</td>
          <td data-label="Key"><code>{{preview}}…</code></td>
          <td data-label="Scopes">{{scopes}}</td>
          <td data-label="Created">{{created}}</td>
          <td data-label="Last used">{{#lastUsed}}<span class="last-used" tabindex="0" title="{{detail}}" aria-label="Last used {{detail}}">{{when}}</span>{{/lastUsed}}{{^lastUsed}}<span class="muted">Never</span>{{/lastUsed}}</td>
          <td data-label="Expires">{{expires}}</td>
          <td data-label="Actions">
            <form method="post" action="/settings/api-keys/{{id}}/rotate" class="inline" data-confirm="Rotate “{{label}}”? You get a new key now; the old one keeps working for 24 hours."><input type="hidden" name="_csrf" value="{{csrf}}"><button class="secondary" type="submit" aria-label="Rotate {{label}}">Rotate</button></form>
            <form method="post" action="/settings/api-keys/{{id}}/revoke" class="inline revoke" data-confirm="Revoke “{{label}}”? Programs using it stop working at once."><input type="hidden" name="_csrf" value="{{csrf}}"><button class="icon" type="submit" aria-label="Revoke {{label}}" title="Revoke"><svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6M10 11v6M14 11v6"/></svg></button></form>
          </td>
        </tr>
        {{/keys}}
        </tbody>
      </table>
      {{/hasKeys}}
      {{^hasKeys}}
      <div class="empty" id="keys-empty">
        <p>No API keys yet. Generate one for each program that should reach your data, so you can revoke one without stopping the others:</p>
        <ul>
          <li><strong>Web tracker</strong> (a “Web forms and tracker only” key): <pre class="snippet">&lt;script async src="{{base}}/tracker.js" data-key="closr_…"&gt;&lt;/script&gt;</pre></li>
          <li><strong>Forms, Zapier and Make</strong>: post fields to <code>{{base}}/api/leads/inbound</code> with the key in an <code>x-api-key</code> header.</li>
          <li><strong>AI agents (MCP)</strong>: <pre class="snippet">claude mcp add --transport http closr {{base}}/mcp --header "Close-API-Key: closr_…" --header "Close-Scope: mcp.read"</pre></li>
          <li><strong>Scripts and Close's clients</strong>: <pre class="snippet">curl -u closr_…: {{base}}/api/v1/me/</pre></li>
        </ul>
      </div>
      {{/hasKeys}}
    </section>
    """

    static let leads = """
    <h1>Leads</h1>
    <p><a class="button" href="/leads/new" id="new-lead">New lead</a></p>
    <section class="card" aria-labelledby="leads-title">
      <h2 id="leads-title" class="visually-hidden">Lead list</h2>
      <form method="get" action="/leads" role="search" class="row">
        <div><label for="query">Search</label><input id="query" name="query" type="search" value="{{query}}" placeholder="name:Acme status:Potential or any words" maxlength="1000"></div>
        <div><button type="submit">Search</button></div>
      </form>
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      <p class="muted">{{total}} leads</p>
      <table aria-label="Leads">
        <thead><tr><th>Name</th><th>Status</th><th>Contacts</th><th>Updated</th></tr></thead>
        <tbody>
        {{#leads}}<tr><td><a href="/lead/{{id}}/">{{name}}</a></td><td>{{status}}</td><td>{{contacts}}</td><td>{{updated}}</td></tr>{{/leads}}
        </tbody>
      </table>
      <p>{{#previous}}<a href="{{previous}}" rel="prev">Previous</a> {{/previous}}{{#next}}<a href="{{next}}" rel="next">Next</a>{{/next}}</p>
    </section>
    """
}
