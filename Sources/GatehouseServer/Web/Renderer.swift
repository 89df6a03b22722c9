import Foundation
import GatehouseCore
import Hummingbird
import Mustache
import NIOCore

/// Renders the console's pages: Mustache templates shipped as resource files, one layout around every page.
/// Mustache escapes every `{{value}}`, so user data never becomes markup.
struct Renderer: Sendable {
    let library: MustacheLibrary
    let policy: SunsetPolicy
    let clock: any GatehouseCore.Clock

    /// Loads every `*.mustache` file shipped in the module's `Templates` resource folder.
    static func load(policy: SunsetPolicy, clock: any GatehouseCore.Clock) async throws -> Renderer {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw ConfigurationError("the console templates are missing from the build")
        }
        return Renderer(library: try await MustacheLibrary(directory: folder.path), policy: policy, clock: clock)
    }

    /// What the layout shows around a page.
    struct Frame {
        var signedIn: SignedIn?
        var company: Company?
        var companies: [Company] = []
        var section: String?
        var flash: Flash?
    }

    struct Flash {
        var text: String
        var isError: Bool
    }

    static let sections: [(key: String, label: String)] = [
        ("service_accounts", "Service Accounts"), ("directory", "Directory"), ("permission_templates", "Permission Templates"),
        ("apps", "App Management"), ("audit", "Audit"), ("migration", "Migration"),
    ]

    /// The page's view through its template, inside the layout.
    func render<View: PageView>(_ view: View, title: String, frame: Frame) -> String {
        let content = library.render(FormTokenScope(view: view, formToken: RandomToken.base64URL(byteCount: 18)), withTemplate: View.template) ?? ""
        let company = frame.company
        let layout = Page.Layout(
            title: title, content: content,
            user: frame.signedIn.map { signedIn in
                Page.Layout.User(name: signedIn.person.name, csrf: signedIn.session.csrfToken, hasSwitcher: frame.companies.count > 1,
                                 companies: frame.companies.map { .init(id: $0.id, name: $0.name, selected: $0.id == company?.id) })
            },
            company: company.map { company in
                Page.Layout.CompanyNav(name: company.name, nav: Self.sections.map {
                    .init(href: "/companies/\(company.id)/\($0.key)", label: $0.label, current: $0.key == frame.section)
                })
            },
            banner: frame.signedIn == nil ? nil : banner(),
            flash: frame.flash.map { .init(text: $0.text, kind: $0.isError ? "error" : "success", role: $0.isError ? "alert" : "status") })
        return library.render(layout, withTemplate: Page.Layout.template) ?? ""
    }

    /// The sunset banner, present only while a phase other than active applies; its text names the dates.
    func banner() -> Page.Layout.Banner? {
        let phase = policy.phase(at: clock.now)
        let day = Self.day
        let text: String
        switch phase {
        case .active: return nil
        case .deprecated:
            text = "Traditional service accounts are deprecated. Creating them is blocked from \(day(policy.creationBlockedAt)), and they stop working at the sunset on \(day(policy.sunsetAt)). Move integrations to developer managed service accounts."
        case .creationBlocked:
            text = "Traditional service accounts can no longer be created (since \(day(policy.creationBlockedAt))). Existing ones stop working at the sunset on \(day(policy.sunsetAt)): migrate them to developer managed service accounts."
        case .sunset:
            text = "Traditional service accounts were sunset on \(day(policy.sunsetAt)) and no longer work. Use developer managed service accounts."
        }
        return .init(phase: phase.rawValue, text: text)
    }

    static func day(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: date)
    }

    static func time(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return f.string(from: date) + " UTC"
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
