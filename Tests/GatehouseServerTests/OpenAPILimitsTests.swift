import Foundation
import GatehouseCore
import Testing

/// The OpenAPI document (`openapi/generate.py` writes it) states the same limits and enums the code enforces:
/// each `maxLength` here against Core's ``Limits``, each enum against the Swift type it renders.
@Suite("The OpenAPI document states Core's limits")
struct OpenAPILimitsTests {
    static func document() -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/GatehouseServer/Web/OpenAPI/openapi.json")
        return (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] ?? [:]
    }

    static func property(_ schema: String, _ name: String) -> [String: Any] {
        let document = document()
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        return ((schemas?[schema] as? [String: Any])?["properties"] as? [String: Any])?[name] as? [String: Any] ?? [:]
    }

    @Test(arguments: [
        ("CompanyInput", "name", Limits.companyName), ("CompanyPatch", "name", Limits.companyName),
        ("ProjectInput", "name", Limits.projectName), ("ProjectPatch", "name", Limits.projectName),
        ("ProjectInput", "display_name", Limits.projectField), ("ProjectInput", "time_zone", Limits.projectField),
        ("TemplateInput", "name", Limits.templateName), ("AppInput", "name", Limits.appName),
        ("ServiceAccountInput", "name", Limits.serviceAccountName), ("UserInput", "email", Limits.email),
        ("UserInput", "password", PersonRules.passwordBytes.upperBound),
    ])
    func maxLengthMatchesCore(_ schema: String, _ name: String, _ limit: Int) {
        #expect(Self.property(schema, name)["maxLength"] as? Int == limit, "\(schema).\(name)")
    }

    @Test func enumsMatchTheirSwiftTypes() {
        #expect(Self.property("ServiceAccountInput", "app_type")["enum"] as? [String] == ServiceAccount.AppType.allCases.map(\.rawValue))
        #expect(Self.property("ServiceAccount", "app_type")["enum"] as? [String] == ServiceAccount.AppType.allCases.map(\.rawValue))
        #expect(Self.property("Person", "kind")["enum"] as? [String] == [Person.Kind.user.rawValue, Person.Kind.serviceAccountContact.rawValue])
        #expect(Self.property("Policy", "phase")["enum"] as? [String]
                == [SunsetPolicy.Phase.active, .deprecated, .creationBlocked, .sunset].map(\.rawValue))
        #expect(Self.property("UserInput", "password")["minLength"] as? Int == PersonRules.passwordBytes.lowerBound)
    }
}
