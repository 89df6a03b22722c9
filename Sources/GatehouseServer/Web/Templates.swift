import Mustache

/// Server-rendered pages. Kept in Swift so the binary is self-contained (no resource lookup at run time);
/// Mustache escapes every `{{value}}`, so user data cannot inject markup.
enum Templates {
    static let layout = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>{{title}} · Gatehouse</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
    header{background:#1d2330;color:#fff;padding:12px 24px;font-weight:600}
    main{max-width:720px;margin:32px auto;background:#fff;padding:24px 32px;border-radius:8px;box-shadow:0 1px 3px #0002}
    label{display:block;margin:12px 0 4px}input{width:100%;padding:8px;box-sizing:border-box}
    button{margin-top:16px;padding:8px 16px;background:#f47e42;color:#fff;border:0;border-radius:4px;cursor:pointer}
    .error{background:#fde8e8;color:#9b1c1c;padding:8px 12px;border-radius:4px}
    </style></head>
    <body><header>Gatehouse</header><main>{{{content}}}</main></body></html>
    """

    static let login = """
    <h1>Sign in</h1>
    {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/login">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <label for="email">Email</label><input id="email" name="email" type="email" value="{{email}}" required autofocus>
      <label for="password">Password</label><input id="password" name="password" type="password" required>
      <button type="submit" id="sign-in">Sign in</button>
    </form>
    """

    static let home = """
    <h1>Welcome, {{name}}</h1>
    <p id="signed-in">Signed in as {{email}}.</p>
    <form method="post" action="/logout"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit">Sign out</button></form>
    """

    static let migration = """
    <h1>Migrating from traditional service accounts</h1>
    <p>Traditional service accounts (credentials held by the company) are deprecated since {{deprecated}}.
    Creating new ones is blocked from {{blocked}}, and they stop working at {{sunset}}. Current phase: <strong id="phase">{{phase}}</strong>.</p>
    <h2>What to do</h2>
    <ol>
      <li>Developers publish an app version whose manifest sets <code>components.data_connector.service_account</code> to true
          and lists the company- and project-level permissions it needs.</li>
      <li>Company admins open the migration report (<code>GET /admin/v1/companies/{id}/migration</code>) and run
          <code>POST /admin/v1/companies/{id}/service_accounts/{account}/migrate</code> for each marketplace account. It installs
          the DMSA version, keeps the account's projects as permitted projects and disables the old account.</li>
      <li>The integration switches to the app's client credentials and sends <code>Procore-Company-Id</code> on every call.</li>
    </ol>
    """

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("layout", layout), ("login", login), ("home", home), ("migration", migration)] {
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        return library
    }()

    static func page(_ name: String, title: String, _ values: [String: Any]) -> String {
        let content = library.render(values, withTemplate: name) ?? ""
        return library.render(["title": title, "content": content], withTemplate: "layout") ?? ""
    }
}
