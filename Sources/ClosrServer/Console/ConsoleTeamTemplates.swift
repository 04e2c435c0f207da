/// The Team page and the invitation page.
extension ConsoleTemplates {
    static let team = """
    <h1>Settings → Team</h1>
    <section class="card" aria-labelledby="team-title" id="team">
      <h2 id="team-title">Team</h2>
      {{#invited}}{{> copyNow}}{{/invited}}
      {{#added}}<p role="status">{{added}} is a member now and signs in with the password they already have. (Someone who has none yet gets their link from the organization that added them first, or an operator runs <code>closr users set-password</code>.)</p>{{/added}}
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      {{#isAdmin}}
      <form method="post" action="/settings/team" class="row" id="invite-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div>
          <label for="invite-email">Email</label>
          <input id="invite-email" name="email" type="email" maxlength="320" required value="{{emailValue}}"{{#emailError}} aria-invalid="true" aria-describedby="email-error"{{/emailError}}>
          {{#emailError}}<p class="field-error" id="email-error">{{emailError}}</p>{{/emailError}}
        </div>
        <div><label for="invite-role">Role</label><select id="invite-role" name="role_id"><option value="user">User</option><option value="admin">Admin</option></select></div>
        <div><button type="submit" id="invite">Invite</button></div>
      </form>
      {{/isAdmin}}
      <table aria-label="Members">
        <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th>{{#isAdmin}}<th><span class="visually-hidden">Actions</span></th>{{/isAdmin}}</tr></thead>
        <tbody>
        {{#members}}
        <tr data-member-email="{{email}}">
          <td>{{name}}</td><td>{{email}}</td><td>{{role}}</td><td>{{status}}</td>
          {{#canChange}}<td>
            <form method="post" action="/settings/team/{{id}}" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="action" value="{{roleAction}}"><button class="secondary" type="submit">{{roleLabel}}</button></form>
            <form method="post" action="/settings/team/{{id}}" class="inline"{{#active}} data-confirm="Deactivate {{email}}? They are signed out and their API keys stop at once."{{/active}}><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="action" value="{{activeAction}}"><button class="secondary" type="submit" aria-label="{{activeLabel}} {{email}}">{{activeLabel}}</button></form>
          </td>{{/canChange}}
        </tr>
        {{/members}}
        </tbody>
      </table>
    </section>
    """

    static let invite = """
    <section class="card" aria-labelledby="invite-title">
      <h1 id="invite-title">Join {{organization}} on Closr</h1>
      <p>You were invited as <strong>{{email}}</strong>. Choose your name and a password to sign in.</p>
      <form method="post" action="/invite/{{token}}">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="first-name">First name</label>
        <input id="first-name" name="first_name" type="text" maxlength="100" required value="{{firstName}}"{{#first_nameError}} aria-invalid="true" aria-describedby="first-name-error"{{/first_nameError}}>
        {{#first_nameError}}<p class="field-error" id="first-name-error">{{first_nameError}}</p>{{/first_nameError}}
        <label for="last-name">Last name</label>
        <input id="last-name" name="last_name" type="text" maxlength="100" value="{{lastName}}">
        {{#last_nameError}}<p class="field-error" id="last-name-error">{{last_nameError}}</p>{{/last_nameError}}
        <label for="new-password">Password</label>
        <input id="new-password" name="password" type="password" autocomplete="new-password" required maxlength="200"{{#passwordError}} aria-invalid="true" aria-describedby="password-error"{{/passwordError}}>
        {{#passwordError}}<p class="field-error" id="password-error">{{passwordError}}</p>{{/passwordError}}
        <p><button type="submit" id="join">Join</button></p>
      </form>
    </section>
    """
}
