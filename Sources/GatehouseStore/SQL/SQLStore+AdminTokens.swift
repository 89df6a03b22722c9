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
        let name = try await database.withConnection { db in
            try await db.raw("SELECT name FROM admin_tokens WHERE hash = \(bind: hash)").first()?.string("name")
        }
        if name != nil {
            // Bookkeeping no cache reads: no change notification, and at most one write a minute per token.
            let now = clock.now.unixSeconds
            try await database.withWriter { db in
                try await db.raw("""
                    UPDATE admin_tokens SET last_used_at = \(bind: now)
                    WHERE hash = \(bind: hash) AND (last_used_at IS NULL OR last_used_at < \(bind: now - 60))
                    """).run()
            }
        }
        return name
    }

    public func adminTokens() async throws -> [AdminTokenInfo] {
        try await database.withConnection { db in
            try await db.raw("SELECT id, name, created_at, last_used_at FROM admin_tokens ORDER BY id").all().map { row in
                AdminTokenInfo(id: try row.int("id"), name: try row.string("name"), createdAt: try row.date("created_at"),
                               lastUsedAt: try row.optionalInt("last_used_at").map { Date(unixSeconds: $0) })
            }
        }
    }

    public func revokeAdminToken(id: Int64) async throws -> Bool {
        try await database.write { db in
            try await db.raw("DELETE FROM admin_tokens WHERE id = \(bind: id) RETURNING id").first() != nil
        }
    }
}
