import Foundation

/// A deployment described by names, never ids (spec §6, "Gatehouse as code"): what `POST /admin/v1/apply` takes
/// and `GET /admin/v1/export` writes. Names are unique in their scope (a company and an app deployment-wide, a
/// project, template or service account within its company, a user by email), so one file applies to any
/// deployment.
///
/// Levels stay as the document spells them (`{tool: level}`) but are checked when the document is read, so a
/// document that reads is one every service will accept field by field.
public struct DeploymentDocument: Sendable, Equatable {
    public static let version = 1

    public var prune: Bool
    public var companies: [CompanySpec]
    public var apps: [AppSpec]
    public var installations: [InstallationSpec]

    public init(prune: Bool = false, companies: [CompanySpec] = [], apps: [AppSpec] = [], installations: [InstallationSpec] = []) {
        self.prune = prune
        self.companies = companies
        self.apps = apps
        self.installations = installations
    }

    public struct CompanySpec: Sendable, Equatable {
        public var name: String
        public var projects: [String]
        public var users: [UserSpec]
        public var templates: [TemplateSpec]
        public var serviceAccounts: [AccountSpec]

        public init(name: String, projects: [String] = [], users: [UserSpec] = [], templates: [TemplateSpec] = [], serviceAccounts: [AccountSpec] = []) {
            self.name = name
            self.projects = projects
            self.users = users
            self.templates = templates
            self.serviceAccounts = serviceAccounts
        }
    }

    public struct UserSpec: Sendable, Equatable {
        public var email: String
        public var firstName: String
        public var lastName: String
        public var companyTools: [String: String]

        public init(email: String, firstName: String, lastName: String, companyTools: [String: String] = [:]) {
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
            self.companyTools = companyTools
        }
    }

    public struct TemplateSpec: Sendable, Equatable {
        public var name: String
        public var tools: [String: String]

        public init(name: String, tools: [String: String]) {
            self.name = name
            self.tools = tools
        }
    }

    /// Credentials a CI deployment fixes in advance; accepted only by a server started with
    /// `--allow-given-credentials`.
    public struct GivenCredentials: Sendable, Equatable {
        public var clientID: String
        public var clientSecret: String

        public init(clientID: String, clientSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
        }

        public static let minimumSecretLength = 32
    }

    public struct AccountSpec: Sendable, Equatable {
        public var name: String
        public var given: GivenCredentials?
        public var companyTools: [String: String]
        public var projects: [MembershipSpec]

        public init(name: String, given: GivenCredentials? = nil, companyTools: [String: String] = [:], projects: [MembershipSpec] = []) {
            self.name = name
            self.given = given
            self.companyTools = companyTools
            self.projects = projects
        }
    }

    /// A project membership: a template's levels, or explicit ones (exactly one of the two).
    public struct MembershipSpec: Sendable, Equatable {
        public var project: String
        public var template: String?
        public var tools: [String: String]?

        public init(project: String, template: String? = nil, tools: [String: String]? = nil) {
            self.project = project
            self.template = template
            self.tools = tools
        }
    }

    public struct AppSpec: Sendable, Equatable {
        public var name: String
        public var owner: String?
        public var listed: Bool
        public var given: GivenCredentials?
        public var versions: [VersionSpec]

        public init(name: String, owner: String? = nil, listed: Bool = false, given: GivenCredentials? = nil, versions: [VersionSpec] = []) {
            self.name = name
            self.owner = owner
            self.listed = listed
            self.given = given
            self.versions = versions
        }
    }

    public struct VersionSpec: Sendable, Equatable {
        public var version: String
        public var promoted: Bool
        public var companyTools: [String: String]
        public var projectTools: [String: String]

        public init(version: String, promoted: Bool = false, companyTools: [String: String] = [:], projectTools: [String: String] = [:]) {
            self.version = version
            self.promoted = promoted
            self.companyTools = companyTools
            self.projectTools = projectTools
        }

        /// The manifest this version stands for: a DMSA data connector requesting these levels.
        public var manifest: Manifest {
            Manifest(schemaVersion: "4.1", isServiceAccount: true,
                     companyLevels: (try? ToolLevels(parsing: companyTools, scope: .company)) ?? ToolLevels(),
                     projectLevels: (try? ToolLevels(parsing: projectTools, scope: .project)) ?? ToolLevels())
        }
    }

    public struct InstallationSpec: Sendable, Equatable {
        public var company: String
        public var app: String
        public var version: String
        /// Nil: every project (the installation's default); a list: only these.
        public var permittedProjects: [String]?

        public init(company: String, app: String, version: String, permittedProjects: [String]? = nil) {
            self.company = company
            self.app = app
            self.version = version
            self.permittedProjects = permittedProjects
        }
    }
}

/// Levels as a document writes them: only the tools above `none`, by key.
extension ToolLevels {
    public var documentForm: [String: String] {
        levels.filter { $0.value != .none }.mapValues(\.rawValue)
    }
}
