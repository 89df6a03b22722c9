import GatehouseCore
import Testing

@Suite("Permission levels and tools")
struct PermissionTests {
    @Test func levelsAreOrdered() {
        #expect(PermissionLevel.none < .readonly)
        #expect(PermissionLevel.readonly < .standard)
        #expect(PermissionLevel.standard < .admin)
        #expect(PermissionLevel.allCases.sorted() == [.none, .readonly, .standard, .admin])
    }

    @Test func toolLevelsRejectUnknownToolsLevelsAndScopes() {
        #expect(throws: ValidationError.self) { try ToolLevels(parsing: ["nope": "admin"], scope: .company) }
        #expect(throws: ValidationError.self) { try ToolLevels(parsing: ["rfi": "mega"], scope: .project) }
        #expect(throws: ValidationError.self) { try ToolLevels(parsing: ["admin": "readonly"], scope: .company) }
        #expect(throws: ValidationError.self) { try ToolLevels(parsing: ["rfi": "readonly"], scope: .company) }
        let levels = try? ToolLevels(parsing: ["directory": "readonly", "admin": "admin"], scope: .company)
        #expect(levels?[.directory] == .readonly)
        #expect(levels?[.admin] == .admin)
        #expect(levels?[.documents] == PermissionLevel.none)
    }

    @Test func everyProblemIsReportedWithItsPath() {
        do {
            _ = try ToolLevels(parsing: ["nope": "admin", "rfi": "mega"], scope: .project)
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(error.fields.keys) == ["tools.nope", "tools.rfi"])
        }
    }
}
