import Foundation
import GatehouseCore
import Testing

/// `AccessPolicy.grantUsed` names the grant an allowed call relied on; `LeastPrivilege` compares grants with use
/// and lowers them. Both are pure; the HTTP behaviour is in `UsageTests`.
@Suite("Least privilege")
struct LeastPrivilegeTests {
    static let project = ProjectRef(id: 7, companyID: 1)

    static func access(company: [String: PermissionLevel] = [:], projects: [Int64: [String: PermissionLevel]] = [:]) -> Access {
        Access(companyID: 1, isInDirectory: true, companyLevels: ToolLevels(trusted: company), projectLevels: projects.mapValues { ToolLevels(trusted: $0) })
    }

    @Test func theGrantUsedIsTheOneThatAllowedTheCall() {
        // The requirement's level, not the grant's: a call that needs readonly used readonly of a standard grant.
        #expect(AccessPolicy.grantUsed(access: Self.access(company: ["directory": .standard]), project: nil, requirement: .company(.directory, .readonly))
                == PermissionUse(projectID: nil, tool: .directory, level: .readonly))
        // Company level first where it counts, then the project's.
        let both = Self.access(company: ["directory": .readonly], projects: [7: ["directory": .admin]])
        #expect(AccessPolicy.grantUsed(access: both, project: Self.project, requirement: .project(.directory, .readonly, orCompany: true))
                == PermissionUse(projectID: nil, tool: .directory, level: .readonly))
        #expect(AccessPolicy.grantUsed(access: both, project: Self.project, requirement: .project(.directory, .admin, orCompany: true))
                == PermissionUse(projectID: 7, tool: .directory, level: .admin))
        // Seeing a project through its membership uses no tool; without one, portfolio.
        #expect(AccessPolicy.grantUsed(access: both, project: Self.project, requirement: .projectVisible) == nil)
        #expect(AccessPolicy.grantUsed(access: Self.access(company: ["portfolio": .standard]), project: Self.project, requirement: .projectVisible)
                == PermissionUse(projectID: nil, tool: .portfolio, level: .readonly))
        // A bare principal uses nothing that can be lowered.
        #expect(AccessPolicy.grantUsed(access: both, project: nil, requirement: .principal) == nil)
    }

    @Test func theAdminOverrideCountsOnlyWhenNothingElseAllowed() {
        let admin = Self.access(company: ["admin": .admin, "directory": .readonly])
        #expect(AccessPolicy.grantUsed(access: admin, project: nil, requirement: .company(.directory, .readonly)) == PermissionUse(projectID: nil, tool: .directory, level: .readonly))
        #expect(AccessPolicy.grantUsed(access: admin, project: nil, requirement: .company(.directory, .admin)) == PermissionUse(projectID: nil, tool: .admin, level: .admin))
        #expect(AccessPolicy.grantUsed(access: admin, project: Self.project, requirement: .project(.rfi, .readonly, orCompany: false))
                == PermissionUse(projectID: nil, tool: .admin, level: .admin))
    }

    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func use(_ project: Int64?, _ tool: Tool, _ level: PermissionLevel) -> UsedGrant {
        UsedGrant(projectID: project, tool: tool, level: level, calls: 1, lastUsedAt: now)
    }

    @Test func unusedGrantsDropToTheLowestLevelThatCoversTheUse() {
        let grants = Grants(companyLevels: ToolLevels(trusted: ["directory": .admin, "portfolio": .readonly, "permissions": .admin]),
                            memberships: [.init(projectID: 7, levels: ToolLevels(trusted: ["rfi": .standard]), templateID: 3)])
        let used = [Self.use(nil, .directory, .readonly), Self.use(nil, .permissions, .readonly), Self.use(7, .rfi, .standard)]
        let unused = LeastPrivilege.unused(grants, used: used)
        #expect(unused == [
            UnusedGrant(projectID: nil, tool: .directory, granted: .admin, used: .readonly),
            UnusedGrant(projectID: nil, tool: .portfolio, granted: .readonly, used: .none),
            UnusedGrant(projectID: nil, tool: .permissions, granted: .admin, used: .readonly),
        ])
        // A use at company level does not cover a project grant, nor the other way round.
        #expect(LeastPrivilege.unused(grants, used: [Self.use(7, .directory, .admin)]).contains { $0.tool == .directory && $0.projectID == nil })
    }

    @Test func loweringNeverRaisesAndDropsTheTemplateOnlyWhereLevelsChange() {
        let grants = Grants(companyLevels: ToolLevels(trusted: ["directory": .readonly]),
                            memberships: [.init(projectID: 7, levels: ToolLevels(trusted: ["rfi": .standard, "submittals": .readonly]), templateID: 3),
                                          .init(projectID: 8, levels: ToolLevels(trusted: ["rfi": .readonly]), templateID: 4)])
        // Used above the grant (an admin override's doing): the grant stays as it is.
        let used = [Self.use(nil, .directory, .admin), Self.use(7, .rfi, .readonly), Self.use(8, .rfi, .readonly)]
        let lowered = LeastPrivilege.lowered(grants, used: used)
        #expect(lowered.companyLevels == ToolLevels(trusted: ["directory": .readonly]))
        #expect(lowered.memberships == [.init(projectID: 7, levels: ToolLevels(trusted: ["rfi": .readonly]), templateID: nil),
                                        .init(projectID: 8, levels: ToolLevels(trusted: ["rfi": .readonly]), templateID: 4)])
        #expect(LeastPrivilege.unused(lowered, used: used).isEmpty)
        #expect(LeastPrivilege.lowered(lowered, used: used) == lowered)
    }

    @Test func mergedUseKeepsTheHighestLevelAndAddsCalls() {
        let later = Self.now.addingTimeInterval(60)
        let merged = UsedGrant.merged([Self.use(nil, .directory, .readonly), UsedGrant(projectID: nil, tool: .directory, level: .standard, calls: 4, lastUsedAt: later)])
        #expect(merged == [UsedGrant(projectID: nil, tool: .directory, level: .standard, calls: 5, lastUsedAt: later)])
    }

    @Test func anAccountIsStaleAfterNinetyDaysWithoutAToken() {
        let created = Self.now
        #expect(!LeastPrivilege.isStale(createdAt: created, lastTokenAt: nil, now: created.addingTimeInterval(90 * 86_400)))
        #expect(LeastPrivilege.isStale(createdAt: created, lastTokenAt: nil, now: created.addingTimeInterval(90 * 86_400 + 1)))
        let used = created.addingTimeInterval(80 * 86_400)
        #expect(!LeastPrivilege.isStale(createdAt: created, lastTokenAt: used, now: created.addingTimeInterval(120 * 86_400)))
        #expect(LeastPrivilege.isStale(createdAt: created, lastTokenAt: used, now: used.addingTimeInterval(91 * 86_400)))
    }
}
