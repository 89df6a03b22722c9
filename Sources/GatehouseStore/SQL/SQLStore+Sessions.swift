import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: SessionStore {
    public func createSession(idHash: String, session: WebSession, at now: Date) async throws {
        try await database.withWriter { db in
            try await db.raw("DELETE FROM sessions WHERE expires_at <= \(bind: now.unixSeconds)").run()
            try await db.raw("""
                INSERT INTO sessions (id_hash, person_id, csrf_token, created_at, expires_at, last_seen_at)
                VALUES (\(bind: idHash), \(bind: session.personID), \(bind: session.csrfToken), \(bind: now.unixSeconds),
                    \(bind: session.expiresAt.unixSeconds), \(bind: session.lastSeenAt.unixSeconds))
                """).run()
        }
    }

    public func session(idHash: String, at now: Date) async throws -> WebSession? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM sessions WHERE id_hash = \(bind: idHash) AND expires_at > \(bind: now.unixSeconds)").first().map { row in
                WebSession(personID: try row.int("person_id"), csrfToken: try row.string("csrf_token"), expiresAt: try row.date("expires_at"),
                           lastSeenAt: try row.date("last_seen_at"))
            }
        }
    }

    public func touchSession(idHash: String, at now: Date) async throws {
        try await database.withWriter { db in
            try await db.raw("UPDATE sessions SET last_seen_at = \(bind: now.unixSeconds) WHERE id_hash = \(bind: idHash)").run()
        }
    }

    public func deleteSessions(personID: Int64) async throws {
        try await database.withWriter { db in try await db.raw("DELETE FROM sessions WHERE person_id = \(bind: personID)").run() }
    }

    public func deleteSession(idHash: String) async throws {
        try await database.withWriter { db in try await db.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run() }
    }
}
