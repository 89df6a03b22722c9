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

    public func rotateSecret(clientPK: Int64, newHash: String, previousExpiresAt: Date, at now: Date) async throws -> [StoredSecret] {
        let t = now.unixSeconds
        return try await database.transaction { db in
            let active = try await Self.secrets(clientPK: clientPK, on: db).filter { $0.isActive(at: now) }
            guard active.count < 2 else {
                throw StoreError(.conflict, "two secrets are already active; retire one before rotating again")
            }
            for secret in active {
                let expiry = min(secret.expiresAt ?? previousExpiresAt, previousExpiresAt).unixSeconds
                try await db.raw("UPDATE client_secrets SET expires_at = \(bind: expiry) WHERE id = \(bind: secret.id)").run()
            }
            // Expired secrets are dead weight: drop them so the table only holds what may still verify.
            try await db.raw("DELETE FROM client_secrets WHERE client_pk = \(bind: clientPK) AND expires_at IS NOT NULL AND expires_at <= \(bind: t)").run()
            _ = try await db.insertReturningID("INSERT INTO client_secrets (client_pk, hash, created_at) VALUES (\(bind: clientPK), \(bind: newHash), \(bind: t)) RETURNING id")
            return try await Self.secrets(clientPK: clientPK, on: db)
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
            if try await db.raw("SELECT jti FROM revoked_tokens WHERE jti = \(bind: jti)").first() == nil {
                try await db.raw("INSERT INTO revoked_tokens (jti, expires_at) VALUES (\(bind: jti), \(bind: expiresAt.unixSeconds))").run()
            }
        }
    }

    public func isTokenRevoked(jti: String) async throws -> Bool {
        try await caches.revoked.value(for: jti) {
            try await database.withConnection { db in
                try await db.raw("SELECT jti FROM revoked_tokens WHERE jti = \(bind: jti)").first() != nil
            }
        }
    }

    public func useAssertion(jti: String, expiresAt: Date, at now: Date) async throws -> Bool {
        try await database.transaction { db in
            try await db.raw("DELETE FROM used_assertions WHERE expires_at < \(bind: now.unixSeconds)").run()
            if try await db.raw("SELECT jti FROM used_assertions WHERE jti = \(bind: jti)").first() != nil { return false }
            try await db.raw("INSERT INTO used_assertions (jti, expires_at) VALUES (\(bind: jti), \(bind: expiresAt.unixSeconds))").run()
            return true
        }
    }
}
