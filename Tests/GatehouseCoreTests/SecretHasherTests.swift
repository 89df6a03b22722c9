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

    /// The stored form is split on its bytes: exactly three fields, the first this algorithm.
    @Test func onlyThreeFieldsUnderThisAlgorithmVerify() {
        let secret = ClientSecret.generate()
        let stored = hasher.hash(secret)
        #expect(hasher.verify(secret, against: stored))
        #expect(SecretHasher.keyID(of: stored) == hasher.currentKeyID)
        for variant in [stored + "$", stored + "$x", "$" + stored, stored.replacingOccurrences(of: "hmac-sha256$", with: "hmac-sha512$"),
                        stored.replacingOccurrences(of: "hmac-sha256$", with: "HMAC-SHA256$")] {
            #expect(!hasher.verify(secret, against: variant), "\(variant)")
            #expect(SecretHasher.keyID(of: variant) == nil, "\(variant)")
        }
        #expect(SecretHasher.keyID(of: "hmac-sha256$$abc") == "")
        #expect(SecretHasher.keyID(of: "hmac-sha256$é$abc") == "é")
    }

    @Test func secretsAreRedactedInDescriptions() {
        let secret = ClientSecret.generate()
        #expect(!"\(secret)".contains(secret.value))
    }
}
