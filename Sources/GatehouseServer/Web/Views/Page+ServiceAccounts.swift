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
        }

        let companyID: Int64
        let accounts: [Row]
        let query: String
        let total: Int
        let canCreate: Bool
        let creationBlockedNote: String
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
        let audit: [ActivityRow]
    }
}
