extension Page {
    /// `developer-apps`: the apps a user owns or collaborates on, and their invitations.
    struct DeveloperApps: PageView {
        static let template = "developer-apps"

        struct Row: Encodable, Sendable {
            let id: Int64
            let name: String
            let versions: String
            let listed: String
        }

        struct Invitation: Encodable, Sendable {
            let id: Int64
            let name: String
            let buttonID: String
        }

        let csrf: String
        let apps: [Row]
        let invitations: [Invitation]
        let hasInvitations: Bool
    }

    /// `developer-app-new`.
    struct DeveloperAppNew: PageView {
        static let template = "developer-app-new"
        let csrf: String
        let name: String
        let nameError: String?
    }

    /// `developer-app`: an app's listing, versions, credentials, JWKS and installations.
    struct DeveloperApp: PageView {
        static let template = "developer-app"

        struct Version: Encodable, Sendable {
            let id: Int64
            let version: String
            let status: String
            let promoted: Bool
            let key: String
            let permissions: String
            let promoteID: String
        }

        struct Install: Encodable, Sendable {
            let company: String
            let version: String
        }

        let name: String
        let description: String
        let listed: Bool
        let nameError: String?
        let base: String
        let csrf: String
        let clientID: String
        let jwksText: String
        let jwksError: String?
        let versions: [Version]
        let secrets: [SecretRow]
        let installations: [Install]
        let latestKey: String?
        let latestKeyVersion: String?
    }

    /// `developer-version-new`: the permissions builder.
    struct VersionBuilder: PageView {
        static let template = "developer-version-new"
        let app: String
        let base: String
        let csrf: String
        let version: String
        let versionError: String?
        /// The manifest the form would submit, as pretty JSON beside it.
        let manifest: String
        let companyTools: [ToolField]
        let projectTools: [ToolField]
    }

    /// `marketplace`.
    struct Marketplace: PageView {
        static let template = "marketplace"

        struct Row: Encodable, Sendable {
            let name: String
            let description: String
            let dmsa: String
            let status: String
            let statusClass: String
        }

        let apps: [Row]
    }
}
