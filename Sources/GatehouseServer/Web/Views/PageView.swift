import Foundation

/// A console page's typed view: the values one Mustache template reads, and that template's name. Mustache
/// renders a missing key as nothing, so with loose dictionaries a misspelled key was a silently empty field;
/// with a view per template, the Swift side cannot misspell one, and `TemplateKeyTests` checks that every key
/// a template reads is a property some view declares.
protocol PageView: Encodable, Sendable {
    /// The template file's name, without `.mustache`.
    static var template: String { get }
}

/// The console's page views, one per template.
enum Page {}

extension Page {
    /// The layout around every page: the signed-in header, the company's navigation, the sunset banner and a flash.
    struct Layout: PageView {
        static let template = "layout"

        struct User: Encodable, Sendable {
            let name: String
            let csrf: String
            let hasSwitcher: Bool
            let companies: [Option]
        }

        struct Option: Encodable, Sendable {
            let id: Int64
            let name: String
            let selected: Bool
        }

        struct CompanyNav: Encodable, Sendable {
            let name: String
            let nav: [Link]
        }

        struct Link: Encodable, Sendable {
            let href: String
            let label: String
            let current: Bool
        }

        struct Banner: Encodable, Sendable {
            let phase: String
            let text: String
        }

        struct Flash: Encodable, Sendable {
            let text: String
            let kind: String
            let role: String
        }

        let title: String
        /// The page's own HTML, already rendered (and escaped) by its template.
        let content: String
        let user: User?
        let company: CompanyNav?
        let banner: Banner?
        let flash: Flash?
    }

    /// An id and a name: a select's option, a list's link.
    struct Choice: Encodable, Sendable {
        let id: Int64
        let name: String
    }

    /// A row of `partial-secrets`: an active secret, and whether it can be retired now.
    struct SecretRow: Encodable, Sendable {
        let id: Int64
        let created: String
        let expires: String
        let retirable: Bool
    }

    /// An audit row as a page shows it.
    struct ActivityRow: Encodable, Sendable {
        let at: String
        let actor: String
        let action: String
        let outcome: String
    }

    /// `confirm`: every action that removes or ends something asks first, naming what will be lost.
    struct Confirm: PageView {
        static let template = "confirm"
        let heading: String
        let warning: String
        let levels: [String]
        let projects: [String]
        /// Stored, not computed: Mustache reads a view through `Mirror`, which sees stored properties only.
        let hasLevels: Bool
        let hasProjects: Bool
        let action: String
        let back: String
        let buttonClass: String
        let confirmLabel: String
        let csrf: String

        /// `levels` and `projects` list what the action takes away; `danger` styles the button as destructive.
        init(heading: String, warning: String, levels: [String] = [], projects: [String] = [], action: String, back: String,
             danger: Bool = true, confirmLabel: String, csrf: String) {
            self.heading = heading
            self.warning = warning
            self.levels = levels
            self.projects = projects
            self.hasLevels = !levels.isEmpty
            self.hasProjects = !projects.isEmpty
            self.action = action
            self.back = back
            self.buttonClass = danger ? "danger" : ""
            self.confirmLabel = confirmLabel
            self.csrf = csrf
        }
    }

    /// `secret-shown`: a new secret, shown once.
    struct SecretShown: PageView {
        static let template = "secret-shown"
        let heading: String
        let clientID: String
        let secret: String
        let back: String
        /// "Continue to the account", or "Continue to the app".
        var continueLabel: String = "Continue to the account"
        var note: String?
        var expiry: String?
    }

    /// `error`: the console's error page.
    struct Error: PageView {
        static let template = "error"
        let heading: String
        let message: String
        let requestID: String
    }
}

import Mustache

/// A page's view as its template sees it, plus the one-time token every POST form on the page carries
/// (`partial-csrf`). One token per rendered page; the server keys a post by token, session and action, so two
/// forms on one page never collide, and a form posted twice is recognised (``ConsoleFormOnce``).
struct FormTokenScope<View: PageView>: MustacheParent {
    let view: View
    let formToken: String

    func child(named name: String) -> Any? {
        if name == "formToken" { return formToken }
        guard let value = Mirror(reflecting: view).children.first(where: { $0.label == name })?.value else { return nil }
        // An optional's value, or nil for none, as Mustache reads any other view.
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .optional ? mirror.children.first?.value : value
    }
}
