import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: MigrationStore {
    public func migrate(accountID: Int64, companyID: Int64, to version: AppVersion, contactEmail: String, contactName: String, at now: Date) async throws -> Installation {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT client_pk, contact_id FROM service_accounts WHERE id = \(bind: accountID) AND company_id = \(bind: companyID)").first() else {
                throw StoreError.notFound("service account")
            }
            let clientPK = try row.int("client_pk"), oldContact = try row.int("contact_id")
            let projects = try await Self.memberProjectIDs(companyID: companyID, personID: oldContact, on: db)
            let installation: Installation
            if let existing = try await db.raw("SELECT * FROM installations WHERE app_id = \(bind: version.appID) AND company_id = \(bind: companyID) AND is_active = \(bind: true)").first() {
                installation = try Installation(row: existing)
            } else {
                installation = try await Self.install(version: version, companyID: companyID, contactEmail: contactEmail, contactName: contactName, at: now, on: db)
            }
            try await Self.permit(projects: projects, installation: installation, levels: version.manifest.projectLevels, at: now, on: db)
            try await db.raw("UPDATE clients SET is_enabled = \(bind: false), generation = generation + 1, updated_at = \(bind: now.unixSeconds) WHERE id = \(bind: clientPK)").run()
            return installation
        }
    }

    public func projectIDs(companyID: Int64, personID: Int64) async throws -> [Int64] {
        try await database.withConnection { db in try await Self.memberProjectIDs(companyID: companyID, personID: personID, on: db) }
    }
}
