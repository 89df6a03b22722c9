import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// The console's 404 and 405 pages, for a browser that asks for a path that does not exist or with a method it
/// does not take: inside the layout when signed in, as the console's own errors are. The API paths, and clients
/// that do not ask for HTML, keep the JSON error.
struct BrowserErrorPages<Store: PersonStore & SessionStore & AuditStore & DirectoryStore & CompanyStore>: Sendable {
    let sessions: Sessions<Store>
    let renderer: Renderer
    let cookieName: String

    /// Paths whose errors are always JSON, whatever the client accepts.
    static var apiPrefixes: [String] { ["/admin/", "/rest/", "/oauth/", "/.well-known/"] }
    static var apiPaths: Set<String> { ["/admin", "/rest", "/oauth", "/openapi.json", "/health", "/ready", "/metrics"] }

    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        if apiPaths.contains(path) || apiPrefixes.contains(where: { path.hasPrefix($0) }) { return false }
        return request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    /// The page for an unmatched request, or nil when the client gets the JSON error.
    func page(_ request: Request, context: AppRequestContext, allowed: [String]) async -> Response? {
        guard Self.wantsPage(request) else { return nil }
        var frame = Renderer.Frame()
        if let cookie = request.cookies[cookieName]?.value, let signedIn = try? await sessions.resolve(cookie: cookie) {
            frame.signedIn = signedIn
            frame.companies = (try? await sessions.administeredCompanies(personID: signedIn.person.id)) ?? []
        }
        let page = allowed.isEmpty
            ? Page.Error(heading: "Not found", message: "This address does not name anything here. Check the link, or start again from the home page.",
                         requestID: context.requestID)
            : Page.Error(heading: "This page does not take that request",
                         message: "This address is there, but not for a \(request.method.rawValue) request. Go back and use the page's own buttons and links.",
                         requestID: context.requestID)
        var response = Renderer.html(renderer.render(page, title: page.heading, frame: frame), status: allowed.isEmpty ? .notFound : .methodNotAllowed)
        if !allowed.isEmpty { response.headers[.allow] = allowed.joined(separator: ", ") }
        SecurityHeaders<AppRequestContext>.apply(to: &response)
        return response
    }
}
