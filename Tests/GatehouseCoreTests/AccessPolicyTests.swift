import GatehouseCore
import Testing

@Suite("AccessPolicy.decide")
struct AccessPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let company: [String: PermissionLevel]
        let projects: [Int64: [String: PermissionLevel]]
        let project: ProjectRef?
        let requirement: Requirement
        let expected: Decision
        var testDescription: String { name }
    }

    static let p1 = ProjectRef(id: 1, companyID: 10)
    static let p2 = ProjectRef(id: 2, companyID: 10)
    static let foreign = ProjectRef(id: 3, companyID: 99)

    static let cases: [Case] = [
        Case(name: "principal only", company: [:], projects: [:], project: nil, requirement: .principal, expected: .allow),
        Case(name: "company tool missing", company: [:], projects: [:], project: nil, requirement: .company(.portfolio, .readonly), expected: .forbidden("")),
        Case(name: "company tool enough", company: ["portfolio": .readonly], projects: [:], project: nil, requirement: .company(.portfolio, .readonly), expected: .allow),
        Case(name: "company tool too low", company: ["portfolio": .readonly], projects: [:], project: nil, requirement: .company(.portfolio, .standard), expected: .forbidden("")),
        Case(name: "company admin passes", company: ["admin": .admin], projects: [:], project: p1, requirement: .project(.rfi, .admin, orCompany: false), expected: .allow),
        Case(name: "foreign project is not found even for admins", company: ["admin": .admin], projects: [:], project: foreign, requirement: .projectVisible, expected: .notFound),
        Case(name: "member sees project", company: [:], projects: [1: [:]], project: p1, requirement: .projectVisible, expected: .allow),
        Case(name: "non-member is forbidden", company: [:], projects: [1: [:]], project: p2, requirement: .projectVisible, expected: .forbidden("")),
        Case(name: "portfolio sees every project", company: ["portfolio": .readonly], projects: [:], project: p2, requirement: .projectVisible, expected: .allow),
        Case(name: "project level through membership", company: [:], projects: [1: ["rfi": .standard]], project: p1, requirement: .project(.rfi, .standard, orCompany: false), expected: .allow),
        Case(name: "project level too low", company: [:], projects: [1: ["rfi": .readonly]], project: p1, requirement: .project(.rfi, .standard, orCompany: false), expected: .forbidden("")),
        Case(name: "company level never grants inside a project", company: ["directory": .admin], projects: [1: [:]], project: p1, requirement: .project(.directory, .readonly, orCompany: false), expected: .forbidden("")),
        Case(name: "company level counts where the table says so", company: ["directory": .readonly], projects: [:], project: p1, requirement: .project(.directory, .readonly, orCompany: true), expected: .allow),
        Case(name: "level on another project does not count", company: [:], projects: [2: ["rfi": .admin]], project: p1, requirement: .project(.rfi, .readonly, orCompany: false), expected: .forbidden("")),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let access = Access(
            companyID: 10, isInDirectory: true, companyLevels: ToolLevels(trusted: c.company),
            projectLevels: c.projects.mapValues { ToolLevels(trusted: $0) }
        )
        let decision = AccessPolicy.decide(access: access, project: c.project, requirement: c.requirement)
        switch (decision, c.expected) {
        case (.allow, .allow), (.notFound, .notFound), (.forbidden, .forbidden): break
        default: Issue.record("expected \(c.expected), got \(decision)")
        }
    }

    @Test func outsideTheDirectoryNothingPasses() {
        let access = Access(companyID: 10, isInDirectory: false, companyLevels: ToolLevels(trusted: ["admin": .admin]), projectLevels: [:])
        #expect(AccessPolicy.decide(access: access, project: nil, requirement: .principal) != .allow)
    }

    @Test func rfiRules() {
        #expect(RFIPolicy.canRead(.readonly) && !RFIPolicy.canRead(.none))
        #expect(RFIPolicy.canCreate(.standard) && !RFIPolicy.canCreate(.readonly))
        #expect(RFIPolicy.canEdit(.standard, isAuthor: true) && !RFIPolicy.canEdit(.standard, isAuthor: false))
        #expect(RFIPolicy.canEdit(.admin, isAuthor: false))
        #expect(RFIPolicy.canDelete(.admin) && !RFIPolicy.canDelete(.standard))
    }
}
