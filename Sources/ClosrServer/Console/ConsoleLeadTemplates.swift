/// The lead page and the lead form. Links the lead gives (its web address) are shown as links only when
/// they are http(s) addresses; everything shown is escaped by Mustache.
extension ConsoleTemplates {
    static let lead = """
    <p><a href="/leads">← Leads</a></p>
    <h1 id="lead-name">{{name}}</h1>
    <p class="muted">{{status}}{{#link}} · <a href="{{link}}" rel="noopener noreferrer nofollow">{{link}}</a>{{/link}}{{#plainURL}} · {{plainURL}}{{/plainURL}} · <a href="/lead/{{id}}/edit">Edit lead</a></p>
    {{#description}}<p class="description">{{description}}</p>{{/description}}
    {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
    <section class="card" aria-labelledby="notes-title">
      <h2 id="notes-title">Add a note</h2>
      <form method="post" action="/lead/{{id}}/notes">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="note" class="visually-hidden">Note</label>
        <textarea id="note" name="note" rows="3" maxlength="20000" required{{#noteError}} aria-invalid="true" aria-describedby="note-error"{{/noteError}}></textarea>
        {{#noteError}}<p class="field-error" id="note-error">{{noteError}}</p>{{/noteError}}
        <p><button type="submit" id="add-note">Add note</button></p>
      </form>
    </section>
    <section class="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">Contacts</h2>
      {{#contacts}}<p><strong>{{name}}</strong>{{#title}} · {{title}}{{/title}}{{#emails}}<br><a href="mailto:{{.}}">{{.}}</a>{{/emails}}{{#phones}}<br>{{.}}{{/phones}}</p>{{/contacts}}
      {{^contacts}}<p class="muted">No contacts.</p>{{/contacts}}
    </section>
    <section class="card" aria-labelledby="opportunities-title">
      <h2 id="opportunities-title">Opportunities</h2>
      {{#opportunities}}<p><strong>{{value}}</strong> · {{status}} · {{confidence}}% confidence{{#note}}<br><span class="muted">{{note}}</span>{{/note}}</p>{{/opportunities}}
      {{^opportunities}}<p class="muted">No opportunities.</p>{{/opportunities}}
      <form method="post" action="/lead/{{id}}/opportunities" class="row">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="opportunity-value">Value ({{currency}})</label><input id="opportunity-value" name="value" type="text" inputmode="decimal" maxlength="20" placeholder="1200.00"{{#valueError}} aria-invalid="true" aria-describedby="value-error"{{/valueError}}>{{#valueError}}<p class="field-error" id="value-error">{{valueError}}</p>{{/valueError}}</div>
        <div><label for="opportunity-confidence">Confidence %</label><input id="opportunity-confidence" name="confidence" type="text" inputmode="numeric" maxlength="3" value="50"{{#confidenceError}} aria-invalid="true" aria-describedby="confidence-error"{{/confidenceError}}>{{#confidenceError}}<p class="field-error" id="confidence-error">{{confidenceError}}</p>{{/confidenceError}}</div>
        <div><label for="opportunity-status">Status</label><select id="opportunity-status" name="status_id">{{#opportunityStatuses}}<option value="{{id}}">{{label}}</option>{{/opportunityStatuses}}</select></div>
        <div><button type="submit" id="add-opportunity">Add opportunity</button></div>
      </form>
    </section>
    <section class="card" aria-labelledby="tasks-title">
      <h2 id="tasks-title">Tasks</h2>
      {{#tasks}}<p>{{#done}}✓ {{/done}}{{text}}{{#date}} <span class="muted">· due {{date}}</span>{{/date}}</p>{{/tasks}}
      {{^tasks}}<p class="muted">No tasks.</p>{{/tasks}}
      <form method="post" action="/lead/{{id}}/tasks" class="row">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="task-text">Task</label><input id="task-text" name="text" type="text" maxlength="1000" required{{#taskError}} aria-invalid="true" aria-describedby="task-error"{{/taskError}}>{{#taskError}}<p class="field-error" id="task-error">{{taskError}}</p>{{/taskError}}</div>
        <div><label for="task-date">Due</label><input id="task-date" name="date" type="date"{{#dateError}} aria-invalid="true" aria-describedby="date-error"{{/dateError}}>{{#dateError}}<p class="field-error" id="date-error">{{dateError}}</p>{{/dateError}}</div>
        <div><button type="submit" id="add-task">Add task</button></div>
      </form>
    </section>
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      {{#activities}}<article class="activity"><p><strong>{{kind}}</strong> <span class="muted">· {{when}}{{#who}} · {{who}}{{/who}}</span></p>{{#summary}}<p class="summary">{{summary}}</p>{{/summary}}{{#values}}<p class="muted">{{.}}</p>{{/values}}</article>{{/activities}}
      {{^activities}}<p class="muted">No activity yet.</p>{{/activities}}
    </section>
    <section class="card" aria-labelledby="views-title">
      <h2 id="views-title">Tracked page views</h2>
      {{#pageViews}}<p>{{when}} · {{title}} <span class="muted">{{url}}</span></p>{{/pageViews}}
      {{^pageViews}}<p class="muted">No tracked page views: add the web tracker to your site (Settings → Integrations).</p>{{/pageViews}}
    </section>
    """

    static let leadForm = """
    <p><a href="{{back}}">← Back</a></p>
    <h1>{{heading}}</h1>
    <section class="card">
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      <form method="post" action="{{action}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="lead-name-input">Name</label>
        <input id="lead-name-input" name="name" type="text" maxlength="500" required value="{{nameValue}}"{{#nameError}} aria-invalid="true" aria-describedby="name-error"{{/nameError}}>
        {{#nameError}}<p class="field-error" id="name-error">{{nameError}}</p>{{/nameError}}
        <label for="lead-url">Website</label>
        <input id="lead-url" name="url" type="text" inputmode="url" maxlength="2000" placeholder="https://www.example.com" value="{{urlValue}}"{{#urlError}} aria-invalid="true" aria-describedby="url-error"{{/urlError}}>
        {{#urlError}}<p class="field-error" id="url-error">{{urlError}}</p>{{/urlError}}
        <label for="lead-status">Status</label>
        <select id="lead-status" name="status_id">{{#statuses}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
        <label for="lead-description">Description</label>
        <textarea id="lead-description" name="description" rows="3" maxlength="10000">{{descriptionValue}}</textarea>
        {{#newLead}}
        <h2>Primary contact</h2>
        <label for="contact-name">Name</label>
        <input id="contact-name" name="contact_name" type="text" maxlength="500" value="{{contactNameValue}}">
        <label for="contact-email">Email</label>
        <input id="contact-email" name="contact_email" type="email" maxlength="320" value="{{contactEmailValue}}"{{#emailError}} aria-invalid="true" aria-describedby="email-error"{{/emailError}}>
        {{#emailError}}<p class="field-error" id="email-error">{{emailError}}</p>{{/emailError}}
        <label for="contact-phone">Phone</label>
        <input id="contact-phone" name="contact_phone" type="text" inputmode="tel" maxlength="50" value="{{contactPhoneValue}}">
        {{/newLead}}
        <p><button type="submit" id="save-lead">Save</button></p>
      </form>
    </section>
    """
}
