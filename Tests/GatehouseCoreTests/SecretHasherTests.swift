import Crypto
import Foundation
import GatehouseCore
import Testing

@Suite("Client secrets")
struct SecretHasherTests {
    let hasher = SecretHasher(currentKeyID: "k1", pepper: SymmetricKey(size: .bits256))

    @Test func generatedSecretsCarry256BitsAndDiffer() {
        let a = ClientSecret.generate(), b = ClientSecret.generate()
        #expect(Data(base64URLEncoded: a.value)?.count == 32)
        #expect(a.value != b.value)
    }

    @Test func hashIsSelfDescribingAndVerifies() {
        let secret = ClientSecret.generate()
        let stored = hasher.hash(secret)
        #expect(stored.hasPrefix("hmac-sha256$k1$"))
        #expect(!stored.contains(secret.value))
        #expect(hasher.verify(secret, against: stored))
        #expect(!hasher.verify(ClientSecret(secret.value + "x"), against: stored))
    }

    @Test func anotherPepperDoesNotVerify() {
        let secret = ClientSecret.generate()
        let other = SecretHasher(currentKeyID: "k1", pepper: SymmetricKey(size: .bits256))
        #expect(!other.verify(secret, against: hasher.hash(secret)))
    }

    @Test func oldPeppersStillVerifyAfterAChange() {
        let oldPepper = SymmetricKey(size: .bits256)
        let old = SecretHasher(currentKeyID: "old", pepper: oldPepper)
        let secret = ClientSecret.generate()
        let stored = old.hash(secret)
        let rotated = SecretHasher(currentKeyID: "new", pepper: SymmetricKey(size: .bits256), previous: ["old": oldPepper])
        #expect(rotated.verify(secret, against: stored))
        #expect(rotated.hash(secret).hasPrefix("hmac-sha256$new$"))
    }

    @Test(arguments: ["", "bcrypt$x$y", "hmac-sha256$unknown$abc", "hmac-sha256$k1$", "hmac-sha256$k1$!!!"])
    func malformedStoredHashesNeverVerify(_ stored: String) {
        #expect(!hasher.verify(ClientSecret("anything"), against: stored))
    }

    @Test func secretsAreRedactedInDescriptions() {
        let secret = ClientSecret.generate()
        #expect(!"\(secret)".contains(secret.value))
    }
}

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

@Suite("Sunset policy")
struct SunsetPolicyTests {
    let policy = SunsetPolicy.procore

    @Test func procoreDefaults() {
        let f = ISO8601DateFormatter()
        #expect(policy.phase(at: f.date(from: "2021-12-08T23:59:59Z")!) == .active)
        #expect(policy.phase(at: f.date(from: "2021-12-09T00:00:00Z")!) == .deprecated)
        #expect(policy.phase(at: f.date(from: "2024-10-01T00:00:00Z")!) == .creationBlocked)
        #expect(policy.phase(at: f.date(from: "2024-12-31T23:59:59Z")!) == .creationBlocked)
        #expect(policy.phase(at: f.date(from: "2025-01-01T00:00:00Z")!) == .sunset)
    }

    @Test func datesOutOfOrderAreRefused() {
        #expect(throws: ValidationError.self) {
            try SunsetPolicy(deprecatedAt: Date(timeIntervalSince1970: 10), creationBlockedAt: Date(timeIntervalSince1970: 5), sunsetAt: Date(timeIntervalSince1970: 20))
        }
    }

    @Test func parsesDatesAndTimes() {
        #expect(SunsetPolicy.parseDate("2024-12-31", endOfDay: true) == ISO8601DateFormatter().date(from: "2025-01-01T00:00:00Z"))
        #expect(SunsetPolicy.parseDate("2024-10-01") == ISO8601DateFormatter().date(from: "2024-10-01T00:00:00Z"))
        #expect(SunsetPolicy.parseDate("2024-10-01T12:00:00Z") == ISO8601DateFormatter().date(from: "2024-10-01T12:00:00Z"))
        #expect(SunsetPolicy.parseDate("yesterday") == nil)
    }
}
