import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: CredentialStore {
    public func resetServiceAccountSecret(accountID: Int64, companyID: Int64, newHash: String, at now: Date) async throws -> Int64 {
        let t = now.unixSeconds
        return try await database.transaction { db in
            guard let row = try await db.raw("SELECT client_pk, contact_id FROM service_accounts WHERE id = \(bind: accountID) AND company_id = \(bind: companyID)").first() else {
                throw StoreError.notFound("service account")
            }
            let clientPK = try row.int("client_pk"), contact = try row.int("contact_id")
            try await db.raw("DELETE FROM client_secrets WHERE client_pk = \(bind: clientPK)").run()
            let secretID = try await db.insertReturningID("INSERT INTO client_secrets (client_pk, hash, created_at) VALUES (\(bind: clientPK), \(bind: newHash), \(bind: t)) RETURNING id")
            try await db.raw("UPDATE clients SET generation = generation + 1, updated_at = \(bind: t) WHERE id = \(bind: clientPK)").run()
            try await Self.stripAccess(contact: contact, companyID: companyID, on: db)
            return secretID
        }
    }

    /// Company levels back to none and every membership in the company's projects removed.
    static func stripAccess(contact: Int64, companyID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM company_permissions WHERE company_id = \(bind: companyID) AND person_id = \(bind: contact)").run()
        try await db.raw("""
            DELETE FROM membership_levels WHERE person_id = \(bind: contact)
              AND project_id IN (SELECT id FROM projects WHERE company_id = \(bind: companyID))
            """).run()
        try await db.raw("""
            DELETE FROM project_memberships WHERE person_id = \(bind: contact)
              AND project_id IN (SELECT id FROM projects WHERE company_id = \(bind: companyID))
            """).run()
    }

    static func secrets(clientPK: Int64, on db: any SQLDatabase) async throws -> [StoredSecret] {
        try await db.raw("SELECT id, hash, created_at, expires_at FROM client_secrets WHERE client_pk = \(bind: clientPK) ORDER BY id").all().map { row in
            StoredSecret(id: try row.int("id"), hash: try row.string("hash"), createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"))
        }
    }

    public func secrets(clientPK: Int64) async throws -> [StoredSecret] {
        try await database.withConnection { db in try await Self.secrets(clientPK: clientPK, on: db) }
    }

    /// The two-slot index (migration 7) is what bounds active secrets: a rotation takes the slot no live
    /// secret holds, so of two rotations racing for it one commits and the other meets the unique index and
    /// answers 409, on either engine. The read below only picks the slot and sets the overlap.
    public func rotateSecret(clientPK: Int64, newHash: String, previousExpiresAt: Date, at now: Date) async throws -> [StoredSecret] {
        let t = now.unixSeconds
        do {
            return try await database.transaction { db in
                // Expired secrets are dead weight, and free their slot.
                try await db.raw("DELETE FROM client_secrets WHERE client_pk = \(bind: clientPK) AND expires_at IS NOT NULL AND expires_at <= \(bind: t)").run()
                let rows = try await db.raw("SELECT id, slot, expires_at FROM client_secrets WHERE client_pk = \(bind: clientPK)").all()
                guard rows.count < 2 else {
                    throw StoreError(.conflict, "two secrets are already active; retire one before rotating again")
                }
                for row in rows {
                    let expiry = min(try row.optionalInt("expires_at") ?? previousExpiresAt.unixSeconds, previousExpiresAt.unixSeconds)
                    try await db.raw("UPDATE client_secrets SET expires_at = \(bind: expiry) WHERE id = \(bind: try row.int("id"))").run()
                }
                let taken = try rows.first.map { try $0.int("slot") }
                let slot: Int64 = taken == 0 ? 1 : 0
                try await db.raw("INSERT INTO client_secrets (client_pk, hash, created_at, slot) VALUES (\(bind: clientPK), \(bind: newHash), \(bind: t), \(bind: slot))").run()
                return try await Self.secrets(clientPK: clientPK, on: db)
            }
        } catch let error where database.isUniqueViolation(error) {
            throw StoreError(.conflict, "another rotation of this client's secret happened at the same time; two secrets are already active")
        }
    }

    public func retireSecret(clientPK: Int64, secretID: Int64, at now: Date) async throws {
        try await database.transaction { db in
            let secrets = try await Self.secrets(clientPK: clientPK, on: db)
            guard let secret = secrets.first(where: { $0.id == secretID }), secret.isActive(at: now) else { throw StoreError.notFound("secret") }
            guard secrets.filter({ $0.isActive(at: now) }).count > 1 else {
                throw StoreError(.conflict, "this is the only active secret; use reset_secret to replace it")
            }
            try await db.raw("DELETE FROM client_secrets WHERE id = \(bind: secretID)").run()
        }
    }

    public func setClientEnabled(clientPK: Int64, enabled: Bool, at now: Date) async throws {
        try await database.write { db in
            if enabled {
                try await db.raw("UPDATE clients SET is_enabled = \(bind: true), updated_at = \(bind: now.unixSeconds) WHERE id = \(bind: clientPK)").run()
            } else {
                try await db.raw("UPDATE clients SET is_enabled = \(bind: false), generation = generation + 1, updated_at = \(bind: now.unixSeconds) WHERE id = \(bind: clientPK)").run()
            }
        }
    }

    public func deleteServiceAccount(id: Int64, companyID: Int64, at now: Date) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT client_pk, contact_id FROM service_accounts WHERE id = \(bind: id) AND company_id = \(bind: companyID)").first() else {
                throw StoreError.notFound("service account")
            }
            let clientPK = try row.int("client_pk"), contact = try row.int("contact_id")
            try await Self.stripAccess(contact: contact, companyID: companyID, on: db)
            try await db.raw("DELETE FROM directory_entries WHERE person_id = \(bind: contact)").run()
            try await db.raw("DELETE FROM service_accounts WHERE id = \(bind: id)").run()
            try await db.raw("DELETE FROM client_secrets WHERE client_pk = \(bind: clientPK)").run()
            try await db.raw("DELETE FROM clients WHERE id = \(bind: clientPK)").run()
            // The contact row stays (RFIs and the audit log refer to it) but can never act again.
            try await db.raw("UPDATE people SET is_active = \(bind: false), updated_at = \(bind: now.unixSeconds) WHERE id = \(bind: contact)").run()
        }
    }

    public func setClientJWKS(clientPK: Int64, jwks: String?) async throws {
        try await database.write { db in
            try await db.raw("UPDATE clients SET jwks = \(bind: jwks) WHERE id = \(bind: clientPK)").run()
        }
    }

    public func revokeToken(jti: String, expiresAt: Date) async throws {
        try await database.write { db in
            try await db.raw("INSERT INTO revoked_tokens (jti, expires_at) VALUES (\(bind: jti), \(bind: expiresAt.unixSeconds)) ON CONFLICT (jti) DO NOTHING").run()
        }
    }

    public func isTokenRevoked(jti: String) async throws -> Bool {
        try await caches.revoked.value(for: jti) {
            try await database.withConnection { db in
                try await db.raw("SELECT jti FROM revoked_tokens WHERE jti = \(bind: jti)").first() != nil
            }
        }
    }

    /// The replay window runs on the database's clock: on PostgreSQL every node compares against one "now",
    /// so a node whose clock runs fast cannot drop a jti another node still needs. One statement decides
    /// freshness (`ON CONFLICT DO NOTHING`), so two nodes racing on one assertion cannot both accept it.
    public func useAssertion(jti: String, expiresAt: Date, at now: Date) async throws -> Bool {
        let kind = database.kind
        // No cache reads this table, so no change is announced.
        return try await database.withWriter { db in
            let databaseNow = kind == .postgres
                ? SQLQueryString("CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)") : SQLQueryString("\(bind: now.unixSeconds)")
            try await db.raw("DELETE FROM used_assertions WHERE expires_at < \(databaseNow)").run()
            let inserted = try await db.raw("""
                INSERT INTO used_assertions (jti, expires_at) VALUES (\(bind: jti), \(bind: expiresAt.unixSeconds))
                ON CONFLICT (jti) DO NOTHING RETURNING jti
                """).first()
            return inserted != nil
        }
    }
}
