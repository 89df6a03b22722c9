/// What one principal holds in one company, read live for each request: company tool levels from its
/// directory entry, and per-project levels from its memberships.
public struct Access: Sendable, Equatable {
    public var companyID: Int64
    public var isInDirectory: Bool
    public var companyLevels: ToolLevels
    /// Project id → levels from the membership's template (or explicit levels).
    public var projectLevels: [Int64: ToolLevels]

    public init(companyID: Int64, isInDirectory: Bool, companyLevels: ToolLevels, projectLevels: [Int64: ToolLevels]) {
        self.companyID = companyID
        self.isInDirectory = isInDirectory
        self.companyLevels = companyLevels
        self.projectLevels = projectLevels
    }

    /// A company `admin` tool at level admin passes every gate, as in Procore.
    public var isCompanyAdmin: Bool { companyLevels[.admin] == .admin }

    /// Whether a person administers the company: in its directory, with the `admin` tool at admin. The one rule
    /// behind the console's company pages, its company switcher, the landing page after sign-in, and the admin API
    /// with a session.
    public var administersCompany: Bool { isInDirectory && isCompanyAdmin }

    public func isMember(ofProject id: Int64) -> Bool { projectLevels[id] != nil }

    public func level(_ tool: Tool, inProject id: Int64) -> PermissionLevel { projectLevels[id]?[tool] ?? .none }

    /// The level that counts on a project: a company admin holds admin on every tool everywhere, as in
    /// Procore; anyone else holds what their membership grants. The one place that override is applied.
    public func effectiveLevel(_ tool: Tool, inProject id: Int64) -> PermissionLevel {
        isCompanyAdmin ? .admin : level(tool, inProject: id)
    }

    /// The level that counts at company level, with the same override.
    public func effectiveLevel(_ tool: Tool) -> PermissionLevel {
        isCompanyAdmin ? .admin : companyLevels[tool]
    }

    /// Whether the project lists show every project of the company, or only the caller's own: company
    /// `portfolio` at readonly or more (a company admin has it).
    public var seesAllProjects: Bool { effectiveLevel(.portfolio) >= .readonly }
}

/// The resource a request touches, reduced to what the policy needs.
public struct ProjectRef: Sendable, Equatable {
    public var id: Int64
    public var companyID: Int64
    public init(id: Int64, companyID: Int64) {
        self.id = id
        self.companyID = companyID
    }
}

/// What an endpoint needs; one case per row of the spec's gate table.
public enum Requirement: Sendable, Equatable {
    /// A valid principal in the company and nothing more (`/me`, `/companies`, `/settings/permissions`).
    case principal
    /// A company-level tool at or above a level (company users, permission templates, the company project list).
    case company(Tool, PermissionLevel)
    /// A project the caller may see: membership, or company `portfolio` ≥ readonly.
    case projectVisible
    /// A project-level tool through the membership; with `orCompany`, the company level counts too.
    case project(Tool, PermissionLevel, orCompany: Bool)
}

/// The answer to "may this principal do this?". Procore's semantics: `notFound` when the caller cannot see
/// the resource at all, `forbidden` when it can see it but lacks the level.
public enum Decision: Sendable, Equatable {
    case allow
    case forbidden(String)
    case notFound
}

/// The one decision function every REST handler asks. Pure, so it is tested exhaustively over a table.
public enum AccessPolicy {
    public static func decide(access: Access, project: ProjectRef?, requirement: Requirement) -> Decision {
        if let project, project.companyID != access.companyID { return .notFound }
        guard access.isInDirectory else { return .forbidden("You are not in this company's directory") }
        if access.isCompanyAdmin { return .allow }
        switch requirement {
        case .principal:
            return .allow
        case .company(let tool, let needed):
            return access.companyLevels[tool] >= needed
                ? .allow : .forbidden("Requires \(tool.friendlyName) \(needed.displayName) at company level")
        case .projectVisible:
            guard let project else { return .notFound }
            return access.isMember(ofProject: project.id) || access.seesAllProjects
                ? .allow : .forbidden("You are not a member of this project")
        case .project(let tool, let needed, let orCompany):
            guard let project else { return .notFound }
            if orCompany, access.companyLevels[tool] >= needed { return .allow }
            guard access.isMember(ofProject: project.id) else { return .forbidden("You are not a member of this project") }
            return access.level(tool, inProject: project.id) >= needed
                ? .allow : .forbidden("Requires \(tool.friendlyName) \(needed.displayName) on this project")
        }
    }
}
