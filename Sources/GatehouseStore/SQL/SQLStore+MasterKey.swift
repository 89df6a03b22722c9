import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: MasterKeyStore {
    public func masterKeyUsage() async throws -> MasterKeyUsage {
        try await database.withConnection { db in
            var usage = MasterKeyUsage()
            for row in try await db.raw("SELECT hash FROM client_secrets").all() {
                usage.clientSecrets[SecretHasher.keyID(of: try row.string("hash")) ?? "unknown", default: 0] += 1
            }
            for row in try await db.raw("SELECT hash FROM admin_tokens").all() {
                usage.operatorTokens[SecretHasher.keyID(of: try row.string("hash")) ?? "unknown", default: 0] += 1
            }
            for row in try await db.raw("SELECT sealed_private_key FROM signing_keys").all() {
                let parts = try row.string("sealed_private_key").split(separator: "$")
                usage.signingKeys[parts.count == 3 ? String(parts[1]) : "unknown", default: 0] += 1
            }
            return usage
        }
    }

    public func resealSigningKeys(_ reseal: @escaping @Sendable (String) throws -> String?) async throws -> Int {
        try await database.transaction { db in
            var changed = 0
            for row in try await db.raw("SELECT kid, sealed_private_key FROM signing_keys ORDER BY kid").all() {
                guard let sealed = try reseal(try row.string("sealed_private_key")) else { continue }
                try await db.raw("UPDATE signing_keys SET sealed_private_key = \(bind: sealed) WHERE kid = \(bind: try row.string("kid"))").run()
                changed += 1
            }
            return changed
        }
    }
}

extension SQLStore {
    /// A re-hash changes no answer (the old hash still verifies on every node that accepts its key), so it is a
    /// plain write, without a change notification that would empty every cache once per secret. Only this
    /// node's cached record is dropped (and its index entry changed in place), so its next request sees the new hash and does not re-hash again.
    public func rehashSecret(id: Int64, clientID: String, from old: String, to new: String) async throws {
        try await database.withWriter { db in
            try await db.raw("UPDATE client_secrets SET hash = \(bind: new) WHERE id = \(bind: id) AND hash = \(bind: old)").run()
        }
        caches.clients.remove(clientID)
        caches.credentials.modify(clientID) { record in
            if let index = record.secrets.firstIndex(where: { $0.id == id && $0.hash == old }) { record.secrets[index].hash = new }
        }
    }

    public func rehashAdminToken(from old: String, to new: String) async throws {
        try await database.withWriter { db in
            try await db.raw("UPDATE admin_tokens SET hash = \(bind: new) WHERE hash = \(bind: old)").run()
        }
    }
}
