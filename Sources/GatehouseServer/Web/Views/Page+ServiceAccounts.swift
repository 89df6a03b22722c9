extension Page {
    /// `service-accounts`: traditional accounts first, then the contacts of installed DMSA apps.
    struct ServiceAccounts: PageView {
        static let template = "service-accounts"

        struct Row: Encodable, Sendable {
            let link: String
            let name: String
            let kind: String
            let status: String
            let created: String
            let lastToken: String
            /// The sunset phase's badge, on traditional accounts outside the active phase.
            let phase: String?
            let phaseLabel: String?
            /// Granted permissions its calls did not use in the last 30 days.
            let hasUnusedGrants: Bool
            /// No token issued for 90 days (traditional accounts).
            let isStale: Bool
        }

        struct Filter: Encodable, Sendable {
            let value: String
            let label: String
            let selected: Bool
        }

        let companyID: Int64
        let accounts: [Row]
        let query: String
        /// Stored apart from `query`: Mustache treats an empty string as present.
        let hasQuery: Bool
        let total: Int
        let canCreate: Bool
        let creationBlockedNote: String
        /// All, with unused grants, stale.
        let filters: [Filter]
        let prev: String?
        let next: String?
    }

    /// `service-account-new`.
    struct ServiceAccountNew: PageView {
        static let template = "service-account-new"
        let companyID: Int64
        let csrf: String
        let name: String
        let nameError: String?
        let blocked: Bool
        let blockedText: String
    }

    /// `service-account`: one account's credentials, company levels, projects and recent activity.
    struct ServiceAccount: PageView {
        static let template = "service-account"

        struct Membership: Encodable, Sendable {
            let id: Int64
            let name: String
            let access: String
            let isExplicit: Bool
            /// The company's templates, the membership's own selected.
            let templates: [TemplateOption]
        }

        struct TemplateOption: Encodable, Sendable {
            let value: Int64
            let label: String
            let selected: Bool
        }

        let name: String
        let status: String
        let enabled: Bool
        let clientID: String
        let kind: String
        let contactEmail: String
        let base: String
        let csrf: String
        let companyID: Int64
        let phase: String?
        let phaseLabel: String?
        let secrets: [SecretRow]
        let tools: [ToolField]
        let memberships: [Membership]
        /// Projects of the company the account is not on yet.
        let projects: [Choice]
        let templates: [Choice]
        let projectTools: [ToolField]
        /// "Choose a template or explicit levels, not both", beside the add form's template select.
        let addProjectError: String?
        let usage: UsagePanel
        let audit: [ActivityRow]
    }

    /// "Permissions used in the last 30 days" (`id="usage"`): each grant beside its use, the unused ones marked.
    struct UsagePanel: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            /// `Company` or the project's name.
            let scope: String
            let tool: String
            let granted: String
            /// The highest level a call needed, or "not used".
            let usedLevel: String
            let calls: Int64
            let lastUse: String
            let isUnused: Bool
            /// The level an unused grant could drop to.
            let dropTo: String
        }

        let days: Int
        let since: String
        let isComplete: Bool
        let rows: [Row]
        let hasRows: Bool
        let unusedCount: Int
        let hasUnused: Bool
        let applyLink: String
    }

    /// `membership-edit`: one project membership's template or explicit levels.
    struct MembershipEdit: PageView {
        static let template = "membership-edit"
        let heading: String
        let action: String
        let back: String
        let csrf: String
        let isExplicit: Bool
        let templates: [ServiceAccount.TemplateOption]
        let tools: [ToolField]
        /// Not `error`: a tool field's nil `error` would make Mustache find this one instead.
        let templateError: String?
    }

    /// The confirmation of "Lower to what was used…": each grant that changes.
    struct UsageApply: PageView {
        static let template = "usage-apply"
        let heading: String
        let changes: [String]
        let isComplete: Bool
        let recordedNote: String
        let action: String
        let back: String
        let csrf: String
    }
}
