import Foundation
import GatehouseCore
import Testing

@Suite("Manifest.validate")
struct ManifestTests {
    func manifest(_ permissions: [String: Any] = [:], serviceAccount: Any = true, schema: Any = "4.1") -> [String: Any] {
        ["schema_version": schema, "components": ["data_connector": ["service_account": serviceAccount]], "permissions": permissions]
    }

    @Test func aValidManifestKeepsItsLevels() throws {
        let m = try Manifest.validate(manifest(["company": ["directory": "readonly"], "project": ["rfi": "standard"]]))
        #expect(m.isServiceAccount)
        #expect(m.companyLevels[.directory] == .readonly)
        #expect(m.projectLevels[.rfi] == .standard)
        #expect(Manifest.stored(m.json) == m, "the stored form parses back to the same manifest")
    }

    @Test func everyProblemIsReportedAtOnceWithItsPath() {
        do {
            _ = try Manifest.validate(manifest(["company": ["nope": "admin"], "project": ["rfi": 3], "team": [:]], serviceAccount: "yes", schema: "9"))
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(error.fields.keys) == [
                "manifest.schema_version", "manifest.components.data_connector.service_account",
                "manifest.permissions.company.nope", "manifest.permissions.project.rfi", "manifest.permissions.team",
            ])
        }
    }

    @Test func aDMSAVersionNeedsServiceAccountAuthentication() {
        #expect(throws: ValidationError.self) { try Manifest.validate(manifest(serviceAccount: false)) }
        #expect((try? Manifest.validate(manifest(serviceAccount: false), requireServiceAccount: false))?.isServiceAccount == false)
    }

    @Test func aNumberIsNotABoolean() {
        #expect(throws: ValidationError.self) { try Manifest.validate(manifest(serviceAccount: 1)) }
    }
}

@Suite("Manifest changes")
struct ManifestChangesTests {
    @Test func anUpgradeListsEveryToolWhoseLevelMoves() throws {
        let old = Manifest(schemaVersion: "4.1", isServiceAccount: true, companyLevels: try ToolLevels(parsing: ["directory": "readonly"], scope: .company),
                           projectLevels: try ToolLevels(parsing: ["rfi": "standard"], scope: .project))
        let new = Manifest(schemaVersion: "4.1", isServiceAccount: true, companyLevels: ToolLevels(),
                           projectLevels: try ToolLevels(parsing: ["rfi": "admin", "documents": "readonly"], scope: .project))
        let changes = old.changes(to: new)
        #expect(Set(changes.map { "\($0.scope.rawValue).\($0.tool.key):\($0.from.rawValue)->\($0.to.rawValue)" }) == [
            "company.directory:readonly->none", "project.documents:none->readonly", "project.rfi:standard->admin",
        ])
        #expect(changes.first?.scope == .company, "company tools come first")
        #expect(changes.filter(\.isRaise).count == 2)
        #expect(old.changes(to: old).isEmpty)
    }
}
