import Foundation

/// The grant one allowed REST call relied on: a tool at a level, at company level or on one project. The unit of
/// "least privilege from real use": counted per contact, company and day, and compared with what is granted.
public struct PermissionUse: Sendable, Hashable {
    /// nil at company level.
    public var projectID: Int64?
    public var tool: Tool
    public var level: PermissionLevel

    public init(projectID: Int64?, tool: Tool, level: PermissionLevel) {
        self.projectID = projectID
        self.tool = tool
        self.level = level
    }
}

extension AccessPolicy {
    /// Which grant an allowed call used, asked right after ``decide`` answered `allow`. The grants are tried in the
    /// order a least-privilege reader expects: the tool itself (company level first when the requirement allows
    /// it, then the project's), then company `portfolio` for seeing a project, and only when nothing else would
    /// have allowed the call, the company-admin override (`admin` at admin). Nil when the call needed nothing
    /// that can be lowered: a bare principal (`/me`), or seeing a project through its membership.
    public static func grantUsed(access: Access, project: ProjectRef?, requirement: Requirement) -> PermissionUse? {
        let adminOverride = PermissionUse(projectID: nil, tool: .admin, level: .admin)
        switch requirement {
        case .principal:
            return nil
        case .company(let tool, let needed):
            return access.companyLevels[tool] >= needed ? PermissionUse(projectID: nil, tool: tool, level: needed) : adminOverride
        case .projectVisible:
            guard let project else { return nil }
            if access.isMember(ofProject: project.id) { return nil }
            return access.companyLevels[.portfolio] >= .readonly ? PermissionUse(projectID: nil, tool: .portfolio, level: .readonly) : adminOverride
        case .project(let tool, let needed, let orCompany):
            guard let project else { return nil }
            if orCompany, access.companyLevels[tool] >= needed { return PermissionUse(projectID: nil, tool: tool, level: needed) }
            if access.level(tool, inProject: project.id) >= needed { return PermissionUse(projectID: project.id, tool: tool, level: needed) }
            return adminOverride
        }
    }
}

/// Counted use of one grant over a window: the highest level a tool needed, how often, and when last.
public struct UsedGrant: Sendable, Equatable {
    public var projectID: Int64?
    public var tool: Tool
    public var level: PermissionLevel
    public var calls: Int64
    public var lastUsedAt: Date

    public init(projectID: Int64?, tool: Tool, level: PermissionLevel, calls: Int64, lastUsedAt: Date) {
        self.projectID = projectID
        self.tool = tool
        self.level = level
        self.calls = calls
        self.lastUsedAt = lastUsedAt
    }

    /// Rows of one (scope, tool) merged: the highest level, the summed calls, the latest use.
    public static func merged(_ rows: [UsedGrant]) -> [UsedGrant] {
        var byKey: [String: UsedGrant] = [:]
        var order: [String] = []
        for row in rows {
            let key = "\(row.projectID ?? 0)/\(row.tool.key)"
            if var existing = byKey[key] {
                existing.level = max(existing.level, row.level)
                existing.calls += row.calls
                existing.lastUsedAt = max(existing.lastUsedAt, row.lastUsedAt)
                byKey[key] = existing
            } else {
                byKey[key] = row
                order.append(key)
            }
        }
        return order.map { byKey[$0]! }.sorted { ($0.projectID ?? 0, $0.tool.id) < ($1.projectID ?? 0, $1.tool.id) }
    }
}

/// What a contact holds in one company, as least privilege compares it: company levels, and each project
/// membership's levels with where they come from.
public struct Grants: Sendable, Equatable {
    public struct Membership: Sendable, Equatable {
        public var projectID: Int64
        public var levels: ToolLevels
        /// The template the levels come from; nil for explicit levels.
        public var templateID: Int64?

        public init(projectID: Int64, levels: ToolLevels, templateID: Int64?) {
            self.projectID = projectID
            self.levels = levels
            self.templateID = templateID
        }
    }

    public var companyLevels: ToolLevels
    public var memberships: [Membership]

    public init(companyLevels: ToolLevels, memberships: [Membership]) {
        self.companyLevels = companyLevels
        self.memberships = memberships.sorted { $0.projectID < $1.projectID }
    }
}

/// One grant above what the window used, and the level it could drop to.
public struct UnusedGrant: Sendable, Equatable {
    public var projectID: Int64?
    public var tool: Tool
    public var granted: PermissionLevel
    public var used: PermissionLevel

    public init(projectID: Int64?, tool: Tool, granted: PermissionLevel, used: PermissionLevel) {
        self.projectID = projectID
        self.tool = tool
        self.granted = granted
        self.used = used
    }
}

/// The comparison of grants with use, and the grants lowered to it. Pure, so every rule of it is tested in Core.
public enum LeastPrivilege {
    /// Each grant above the highest level the window used in its scope, with the lowest level the tool allows
    /// that still covers that use. A tool never used reads as `none`.
    public static func unused(_ grants: Grants, used: [UsedGrant]) -> [UnusedGrant] {
        let highest = highestUse(used)
        func check(_ projectID: Int64?, _ levels: ToolLevels) -> [UnusedGrant] {
            ToolCatalog.all.compactMap { tool in
                let granted = levels[tool]
                guard granted != .none else { return nil }
                let use = highest[Key(projectID: projectID, tool: tool.key)] ?? .none
                let floor = tool.allowedLevels.first { $0 >= use } ?? granted
                return granted > floor ? UnusedGrant(projectID: projectID, tool: tool, granted: granted, used: floor) : nil
            }
        }
        return check(nil, grants.companyLevels) + grants.memberships.flatMap { check($0.projectID, $0.levels) }
    }

    /// The grants with every unused one lowered to what was used. Never raises a level. A membership keeps its
    /// project (seeing a project is not counted as a grant), and one whose levels change loses its template,
    /// because a template's levels are shared and cannot be lowered for one member.
    public static func lowered(_ grants: Grants, used: [UsedGrant]) -> Grants {
        let cut = unused(grants, used: used)
        guard !cut.isEmpty else { return grants }
        var company = grants.companyLevels.levels
        var projects = Dictionary(uniqueKeysWithValues: grants.memberships.map { ($0.projectID, $0) })
        for grant in cut {
            if let projectID = grant.projectID, var membership = projects[projectID] {
                var levels = membership.levels.levels
                levels[grant.tool.key] = grant.used == .none ? nil : grant.used
                membership.levels = ToolLevels(trusted: levels)
                membership.templateID = nil
                projects[projectID] = membership
            } else {
                company[grant.tool.key] = grant.used == .none ? nil : grant.used
            }
        }
        return Grants(companyLevels: ToolLevels(trusted: company), memberships: Array(projects.values))
    }

    /// How long without a token makes a traditional account stale: 90 days, the usage retention's default.
    public static let staleAfter: TimeInterval = 90 * 86_400

    /// Whether an account has issued no token for ``staleAfter``: since its last token, or since its creation when
    /// it never issued one.
    public static func isStale(createdAt: Date, lastTokenAt: Date?, now: Date) -> Bool {
        now.timeIntervalSince(lastTokenAt ?? createdAt) > staleAfter
    }

    private struct Key: Hashable {
        let projectID: Int64?
        let tool: String
    }

    private static func highestUse(_ used: [UsedGrant]) -> [Key: PermissionLevel] {
        var highest: [Key: PermissionLevel] = [:]
        for row in used {
            let key = Key(projectID: row.projectID, tool: row.tool.key)
            highest[key] = max(highest[key] ?? .none, row.level)
        }
        return highest
    }
}
