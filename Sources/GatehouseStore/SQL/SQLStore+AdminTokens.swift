import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: AdminTokenStore {
    public func createAdminToken(name: String, hash: String, at now: Date) async throws -> Int64 {
        try await database.write { db in
            try await db.insertReturningID("INSERT INTO admin_tokens (name, hash, created_at) VALUES (\(bind: name), \(bind: hash), \(bind: now.unixSeconds)) RETURNING id")
        }
    }

    /// Looked up by the keyed hash itself: the hash is deterministic, and an index lookup on an HMAC output
    /// reveals nothing usable about the token.
    public func adminTokenName(hash: String) async throws -> String? {
        try await database.withConnection { db in
            try await db.raw("SELECT name FROM admin_tokens WHERE hash = \(bind: hash)").first()?.string("name")
        }
    }
}
