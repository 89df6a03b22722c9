extension Page {
    /// `directory`: the company's people, users and service-account contacts alike.
    struct Directory: PageView {
        static let template = "directory"

        struct Person: Encodable, Sendable {
            let name: String
            let email: String
            let kind: String
            let status: String
        }

        let companyID: Int64
        let csrf: String
        let email: String
        let total: Int
        let people: [Person]
        let error: String?
        let prev: String?
        let next: String?
    }

    /// `templates`: the company's permission templates and the form for a new one.
    struct Templates: PageView {
        static let template = "templates"

        struct Row: Encodable, Sendable {
            let id: Int64
            let name: String
            let scope: String
            let summary: String
        }

        let companyID: Int64
        let csrf: String
        let name: String
        let nameError: String?
        let templates: [Row]
        let tools: [ToolField]
    }

    /// `template-edit`.
    struct TemplateEdit: PageView {
        static let template = "template-edit"
        let companyID: Int64
        let csrf: String
        let id: Int64
        /// The saved name, for the heading; `name` is the field's (possibly unsaved) value.
        let current: String
        let name: String
        let nameError: String?
        let scope: String
        let tools: [ToolField]
    }

    /// `audit`: the company's log with its filters.
    struct Audit: PageView {
        static let template = "audit"

        struct Entry: Encodable, Sendable {
            let at: String
            let who: Named
            let action: String
            /// Nil for a row without a target; its cell is then empty.
            let what: Named?
            let outcome: String
            let address: String
        }

        /// A name with the recorded id one click away, and a link where the console has a page for it.
        struct Named: Encodable, Sendable {
            let name: String
            let raw: String
            let href: String?
        }

        struct Outcome: Encodable, Sendable {
            let value: String
            let label: String
            let selected: Bool
        }

        let companyID: Int64
        let total: Int
        let actor: String
        let action: String
        let since: String
        let until: String
        let outcomes: [Outcome]
        let entries: [Entry]
        let filterError: String?
        let prev: String?
        let next: String?
    }

    /// `migration`: each traditional account with the advice for moving it to a DMSA app.
    struct Migration: PageView {
        static let template = "migration"

        struct Row: Encodable, Sendable {
            let id: Int64
            let name: String
            let app: String
            let dmsa: String
            let advice: String
            let canMigrate: Bool
        }

        let companyID: Int64
        let csrf: String
        let phase: String
        let phaseLabel: String
        let sunsetAt: String
        let rows: [Row]
    }
}
