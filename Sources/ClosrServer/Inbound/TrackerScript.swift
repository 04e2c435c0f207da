/// `GET /tracker.js`: the script a customer's site includes with
/// `<script async src="https://closr.example/tracker.js" data-key="closr_…"></script>` (an inbound-scope
/// key, which is public by nature: it can only record page views and post inbound forms).
///
/// Why it looks like it does:
/// - Plain ES2017 in one IIFE, no dependencies and no build step, so the text below is exactly what the
///   browser runs and can be read and audited as served; it stays under 3 KB (1.4 KB gzipped).
/// - It finds its own `<script>` (`document.currentScript`, else the last script whose src ends with
///   `/tracker.js`, a query allowed) for `data-key`, and posts back to the origin it was loaded from,
///   so a site needs nothing beyond the tag; `data-endpoint` overrides that for a proxy or another host.
/// - The visitor id is 128 random bits as 22 base64url characters in a first-party cookie `closr_vid`
///   (a year, rewritten on every load, `SameSite=Lax`, `Secure` on https) mirrored in localStorage: a
///   cleared cookie or blocked storage alone does not split a visitor in two. It is the only state.
/// - Page views go by `fetch` with `keepalive` (survives the page being left right away),
///   `credentials: 'omit'` (the server sets no cookies and needs no credentialed CORS) and the key in
///   `x-api-key`; the server answers the preflight and checks `Origin` against the organization's
///   allowed origins. Failures are swallowed: a tracker must never break the page it is on.
/// - Single-page apps: `history.pushState`/`replaceState` are wrapped and `popstate` watched; a view is
///   sent when `location.href` changed (a task later, so a title set right after navigating is seen),
///   with the previous address as its referrer.
/// - Forms whose action is this server's `/api/leads/inbound` get a hidden `_visitor_id`, once the DOM
///   is ready (so a plain post carries it) and again in a capture-phase `submit` listener (forms added
///   later, a `formaction` button); the server then links the visitor's page views to the new lead.
/// - Do Not Track / Global Privacy Control are not checked here on purpose: the browser sends `DNT` and
///   `Sec-GPC` with every request, and the server honours them or not per organization (204, nothing
///   stored), so there is one place that decides.
enum TrackerScript {
    static let source: String = #"""
    /* Closr page-view tracker. */
    (() => {
      if (window.closr) return;
      const me = document.currentScript ||
        Array.from(document.scripts).reverse().find(s => /\/tracker\.js([?#]|$)/.test(s.src));
      const key = me && me.dataset.key;
      if (!key) return console.warn('closr: tracker.js needs data-key');
      const base = (me.dataset.endpoint || new URL(me.src).origin).replace(/\/+$/, '');
      const good = v => /^[\w-]{16,64}$/.test(v);

      // Visitor id: cookie, else localStorage, else new (128 bits).
      let vid = (document.cookie.match(/(^|; )closr_vid=([^;]*)/) || [])[2];
      try { if (!good(vid)) vid = localStorage.getItem('closr_vid'); } catch (e) {}
      if (!good(vid)) {
        const r = new Uint8Array(16).map(() => Math.random() * 256);
        if (window.crypto) crypto.getRandomValues(r);
        vid = btoa(String.fromCharCode(...r)).slice(0, 22).replace(/\+/g, '-').replace(/\//g, '_');
      }
      document.cookie = 'closr_vid=' + vid + '; max-age=31536000; path=/; SameSite=Lax' +
        (location.protocol == 'https:' ? '; Secure' : '');
      try { localStorage.setItem('closr_vid', vid); } catch (e) {}

      // No DNT/Sec-GPC check: the browser sends those headers, the server decides.
      let last;
      const send = (referrer = document.referrer) => {
        last = location.href;
        fetch(base + '/api/tracker/page_view/', {
          method: 'POST', keepalive: true, mode: 'cors', credentials: 'omit',
          headers: {'content-type': 'application/json', 'x-api-key': key},
          body: JSON.stringify({visitor_id: vid, url: last, referrer, title: document.title})
        }).catch(() => {});
      };

      // Single-page apps: a view per new address.
      const moved = () => setTimeout(() => { if (location.href != last) send(last); });
      ['pushState', 'replaceState'].forEach(f => {
        const original = history[f];
        history[f] = function () { const r = original.apply(this, arguments); moved(); return r; };
      });
      addEventListener('popstate', moved);

      // Forms posting to /api/leads/inbound get _visitor_id.
      const stamp = (form, action) => {
        try { action = new URL(action || form.getAttribute('action') || '', document.baseURI); } catch (e) {}
        if (!String(action).startsWith(base + '/api/leads/inbound')) return;
        const input = form.querySelector('input[name="_visitor_id"]') ||
          form.appendChild(Object.assign(document.createElement('input'), {type: 'hidden', name: '_visitor_id'}));
        input.value = vid;
      };
      document.addEventListener('submit', e =>
        stamp(e.target, e.submitter && e.submitter.getAttribute('formaction')), true);
      const stampAll = () => Array.from(document.forms).forEach(f => stamp(f));
      if (document.readyState == 'loading') addEventListener('DOMContentLoaded', stampAll);
      else stampAll();

      window.closr = {visitorId: vid, track: () => send()};
      send();
    })();
    """#
}
