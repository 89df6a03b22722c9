extension Page {
    /// `apps`: App Management's installations and the version-key form.
    struct Apps: PageView {
        static let template = "apps"

        struct Row: Encodable, Sendable {
            let id: Int64
            let app: String
            let version: String
            let by: String
            let at: String
            /// A newer promoted version, when there is one.
            let latest: String?
        }

        let companyID: Int64
        let csrf: String
        let versionKey: String
        let installations: [Row]
        let error: String?
    }

    /// `install-review`: what an app asks for, before it is installed.
    struct InstallReview: PageView {
        static let template = "install-review"
        let app: String
        let version: String
        let companyName: String
        let csrf: String
        let versionKey: String
        /// The manifest's company and project levels, a line per tool.
        let company: [String]
        let project: [String]
        let action: String
        let back: String
        let confirmLabel: String
    }

    /// `installation`: one installed app, its permissions and its permitted projects.
    struct Installation: PageView {
        static let template = "installation"

        struct Project: Encodable, Sendable {
            let id: Int64
            let name: String
            let checked: Bool
        }

        let app: String
        let version: String
        let contact: String
        let active: Bool
        let status: String
        let statusClass: String
        let companyPermissions: String
        let projectPermissions: String
        let base: String
        let csrf: String
        let addToNew: Bool
        let projects: [Project]
        let latest: String?
        let projectsError: String?
    }

    /// `update-review`: what an update raises and lowers.
    struct UpdateReview: PageView {
        static let template = "update-review"

        struct Change: Encodable, Sendable {
            let kind: String
            let text: String
        }

        let app: String
        let from: String
        let to: String
        let changes: [Change]
        let keepsProjects: Bool
        let csrf: String
        let versionKey: String
        let action: String
        let back: String
    }
}
