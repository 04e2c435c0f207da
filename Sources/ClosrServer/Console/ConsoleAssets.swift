import HTTPTypes
import Hummingbird

/// The console's stylesheet and script, served from this server (nothing is loaded from another site,
/// and the pages' Content-Security-Policy allows no inline script or style).
enum ConsoleAssets {
    static let css = """
    :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9; --accent: #2453d6; --ok: #0f7b3e; --ok-bg: #e5f6ec; --bad: #b42318; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
    a { color: var(--accent); }
    header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .75rem 1.25rem; background: #fff; border-bottom: 1px solid var(--line); }
    header.top .brand { font-weight: 700; margin-right: auto; }
    header.top nav a { margin-right: 1rem; }
    main { max-width: 1100px; margin: 1.5rem auto; padding: 0 1rem; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; margin-bottom: 1.25rem; }
    h1 { font-size: 1.4rem; margin: 0 0 1rem; } h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
    label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
    input[type=text], input[type=email], input[type=password], input[type=search], textarea, select { width: 100%; max-width: 28rem; padding: .5rem .6rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
    button, .button { display: inline-block; padding: .5rem .9rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; text-decoration: none; }
    button.secondary, .button.secondary { background: #fff; color: var(--accent); }
    button.icon { background: #fff; border-color: var(--line); color: var(--bad); padding: .35rem .5rem; line-height: 0; }
    button:disabled { opacity: .5; cursor: not-allowed; }
    :focus-visible { outline: 3px solid #8fb0ff; outline-offset: 2px; }
    .error { color: var(--bad); font-weight: 600; } .field-error { color: var(--bad); margin: .25rem 0; }
    .muted { color: var(--muted); }
    .copy-now { background: var(--ok-bg); border: 2px solid var(--ok); border-radius: 8px; padding: 1rem; margin: 1rem 0; }
    .copy-now strong.badge { color: var(--ok); letter-spacing: .06em; }
    .copy-now code { display: block; word-break: break-all; background: #fff; border: 1px solid var(--line); padding: .6rem; border-radius: 6px; margin: .5rem 0; font-size: .95rem; }
    table { width: 100%; border-collapse: collapse; margin-top: 1rem; } th, td { text-align: left; padding: .5rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    .inline { display: inline; } .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
    pre.snippet { background: var(--bg); border: 1px solid var(--line); padding: .6rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    @media (max-width: 640px) {
      table.keys thead { display: none; }
      table.keys tr { display: block; border-bottom: 1px solid var(--line); padding: .5rem 0; }
      table.keys td { display: block; border: 0; padding: .15rem 0; }
      table.keys td::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
    }
    """

    static let script = """
    document.addEventListener('click', function (event) {
      var button = event.target.closest('[data-copy]');
      if (!button) return;
      var text = document.getElementById(button.getAttribute('data-copy')).textContent;
      navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied'; });
    });
    document.addEventListener('submit', function (event) {
      var message = event.target.getAttribute('data-confirm');
      if (message && !window.confirm(message)) event.preventDefault();
    });
    """

    static func response(_ text: String, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "public, max-age=3600"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
