import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: AppStore {
    public func createApp(name: String, clientID: String, secretHash: String, ownerID: Int64?, at now: Date) async throws -> App {
        let t = now.unixSeconds
        return try await database.transaction { db in
            let clientPK = try await db.insertReturningID("""
                INSERT INTO clients (client_id, kind, generation, is_enabled, created_at, updated_at)
                VALUES (\(bind: clientID), \(bind: OAuthClient.Kind.app.rawValue), \(bind: Int64(1)), \(bind: true), \(bind: t), \(bind: t)) RETURNING id
                """)
            try await db.raw("INSERT INTO client_secrets (client_pk, hash, created_at) VALUES (\(bind: clientPK), \(bind: secretHash), \(bind: t))").run()
            let id = try await db.insertReturningID("INSERT INTO apps (client_pk, name, owner_id, created_at) VALUES (\(bind: clientPK), \(bind: name), \(bind: ownerID), \(bind: t)) RETURNING id")
            return App(id: id, name: name, client: OAuthClient(id: clientPK, clientID: clientID, kind: .app, generation: 1, isEnabled: true),
                       createdAt: Date(unixSeconds: t), ownerID: ownerID)
        }
    }

    static let appSelect = """
        SELECT a.id, a.name, a.owner_id, a.description, a.listed, a.created_at, c.id AS client_pk, c.client_id, c.kind, c.generation, c.is_enabled
        FROM apps a JOIN clients c ON c.id = a.client_pk
        """

    public func apps() async throws -> [App] {
        try await database.withConnection { db in try await db.raw("\(unsafeRaw: Self.appSelect) ORDER BY a.id").all().map(App.init(row:)) }
    }

    public func app(id: Int64) async throws -> App? {
        try await database.withConnection { db in try await db.raw("\(unsafeRaw: Self.appSelect) WHERE a.id = \(bind: id)").first().map(App.init(row:)) }
    }

    public func app(clientPK: Int64) async throws -> App? {
        try await caches.appsByClient.value(for: clientPK) {
            try await database.withConnection { db in try await db.raw("\(unsafeRaw: Self.appSelect) WHERE a.client_pk = \(bind: clientPK)").first().map(App.init(row:)) }
        }
    }

    public func apps(memberID: Int64) async throws -> [App] {
        try await database.withConnection { db in
            try await db.raw("""
                \(unsafeRaw: Self.appSelect)
                WHERE a.owner_id = \(bind: memberID) OR a.id IN (SELECT app_id FROM app_collaborators WHERE person_id = \(bind: memberID))
                ORDER BY a.id
                """).all().map(App.init(row:))
        }
    }

    public func isAppMember(appID: Int64, personID: Int64) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT id FROM apps WHERE id = \(bind: appID) AND (owner_id = \(bind: personID)
                    OR id IN (SELECT app_id FROM app_collaborators WHERE person_id = \(bind: personID)))
                """).first() != nil
        }
    }

    public func addCollaborator(appID: Int64, personID: Int64, at now: Date) async throws {
        try await database.transaction { db in
            guard let app = try await db.raw("SELECT owner_id FROM apps WHERE id = \(bind: appID)").first() else { throw StoreError.notFound("app") }
            let already = try await db.raw("SELECT person_id FROM app_collaborators WHERE app_id = \(bind: appID) AND person_id = \(bind: personID)").first() != nil
            if try app.optionalInt("owner_id") == personID || already {
                throw StoreError(.conflict, "this person already works on the app", fields: ["email": "already a collaborator or the owner"])
            }
            try await db.raw("INSERT INTO app_collaborators (app_id, person_id, created_at) VALUES (\(bind: appID), \(bind: personID), \(bind: now.unixSeconds))").run()
        }
    }

    public func inviteCollaborator(appID: Int64, email: String, at now: Date) async throws {
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM apps WHERE id = \(bind: appID)").first() != nil else { throw StoreError.notFound("app") }
            guard try await db.raw("SELECT app_id FROM app_invitations WHERE app_id = \(bind: appID) AND email = \(bind: email)").first() == nil else { return }
            try await db.raw("INSERT INTO app_invitations (app_id, email, created_at) VALUES (\(bind: appID), \(bind: email), \(bind: now.unixSeconds))").run()
        }
    }

    public func invitingApps(email: String) async throws -> [App] {
        let ids = try await database.withConnection { db in
            try await db.raw("SELECT app_id FROM app_invitations WHERE email = \(bind: email) ORDER BY created_at, app_id").all().map { try $0.int("app_id") }
        }
        var apps: [App] = []
        for id in ids { if let app = try await app(id: id) { apps.append(app) } }
        return apps
    }

    public func acceptInvitation(appID: Int64, email: String, personID: Int64, at now: Date) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("SELECT app_id FROM app_invitations WHERE app_id = \(bind: appID) AND email = \(bind: email)").first() != nil else { return false }
            try await db.raw("DELETE FROM app_invitations WHERE app_id = \(bind: appID) AND email = \(bind: email)").run()
            let owner = try await db.raw("SELECT owner_id FROM apps WHERE id = \(bind: appID)").first()?.optionalInt("owner_id")
            let already = try await db.raw("SELECT person_id FROM app_collaborators WHERE app_id = \(bind: appID) AND person_id = \(bind: personID)").first() != nil
            if owner != personID, !already {
                try await db.raw("INSERT INTO app_collaborators (app_id, person_id, created_at) VALUES (\(bind: appID), \(bind: personID), \(bind: now.unixSeconds))").run()
            }
            return true
        }
    }

    public func updateApp(id: Int64, name: String, description: String?, listed: Bool) async throws {
        try await database.write { db in
            try await db.raw("UPDATE apps SET name = \(bind: name), description = \(bind: description), listed = \(bind: listed) WHERE id = \(bind: id)").run()
        }
    }

    public func collaborators(appID: Int64) async throws -> [Person] {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT p.* FROM app_collaborators c JOIN people p ON p.id = c.person_id WHERE c.app_id = \(bind: appID) ORDER BY p.id
                """).all().map(Person.init(row:))
        }
    }

    public func resetAppSecret(appID: Int64, newHash: String, at now: Date) async throws {
        let t = now.unixSeconds
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT client_pk FROM apps WHERE id = \(bind: appID)").first() else { throw StoreError.notFound("app") }
            let clientPK = try row.int("client_pk")
            try await db.raw("DELETE FROM client_secrets WHERE client_pk = \(bind: clientPK)").run()
            try await db.raw("INSERT INTO client_secrets (client_pk, hash, created_at) VALUES (\(bind: clientPK), \(bind: newHash), \(bind: t))").run()
            try await db.raw("UPDATE clients SET generation = generation + 1, updated_at = \(bind: t) WHERE id = \(bind: clientPK)").run()
        }
    }

    public func createVersion(appID: Int64, version: String, versionKey: String, manifest: Manifest, at now: Date) async throws -> AppVersion {
        let t = now.unixSeconds
        let id = try await database.transaction { db in
            guard try await db.raw("SELECT id FROM apps WHERE id = \(bind: appID)").first() != nil else { throw StoreError.notFound("app") }
            if try await db.raw("SELECT id FROM app_versions WHERE app_id = \(bind: appID) AND version = \(bind: version)").first() != nil {
                throw StoreError(.conflict, "version \(version) already exists for this app", fields: ["version": "already exists"])
            }
            return try await db.insertReturningID("""
                INSERT INTO app_versions (app_id, version, version_key, manifest, status, is_dmsa, created_at)
                VALUES (\(bind: appID), \(bind: version), \(bind: versionKey), \(bind: manifest.json), \(bind: AppVersion.Status.readyForTesting.rawValue),
                    \(bind: manifest.isServiceAccount), \(bind: t)) RETURNING id
                """)
        }
        return AppVersion(id: id, appID: appID, version: version, versionKey: versionKey, manifest: manifest, status: .readyForTesting, createdAt: Date(unixSeconds: t))
    }

    public func versions(appID: Int64) async throws -> [AppVersion] {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM app_versions WHERE app_id = \(bind: appID) ORDER BY id").all().map(AppVersion.init(row:))
        }
    }

    public func version(id: Int64, appID: Int64) async throws -> AppVersion? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM app_versions WHERE id = \(bind: id) AND app_id = \(bind: appID)").first().map(AppVersion.init(row:))
        }
    }

    public func version(key: String) async throws -> AppVersion? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM app_versions WHERE version_key = \(bind: key)").first().map(AppVersion.init(row:))
        }
    }

    public func promoteVersion(id: Int64, appID: Int64) async throws {
        try await database.write { db in
            try await db.raw("UPDATE app_versions SET status = \(bind: AppVersion.Status.promoted.rawValue) WHERE id = \(bind: id) AND app_id = \(bind: appID)").run()
        }
    }
}

extension App {
    init(row: any SQLRow) throws {
        self.init(id: try row.int("id"), name: try row.string("name"), client: try OAuthClient(row: row, idColumn: "client_pk"),
                  createdAt: try row.date("created_at"), ownerID: try row.optionalInt("owner_id"),
                  description: try row.optionalString("description"), isListed: try row.bool("listed"))
    }
}

extension AppVersion {
    init(row: any SQLRow) throws {
        guard let manifest = Manifest.stored(try row.string("manifest")) else { throw StoreError(.invalid, "stored manifest does not parse") }
        self.init(
            id: try row.int("id"), appID: try row.int("app_id"), version: try row.string("version"), versionKey: try row.string("version_key"),
            manifest: manifest, status: try SQLStore.decodeEnum(Status.self, row, "status"), createdAt: try row.date("created_at")
        )
    }
}

extension SQLStore: InstallationStore {
    public func install(version: AppVersion, companyID: Int64, contactEmail: String, contactName: String, retention: TimeInterval, at now: Date) async throws -> Installation {
        do {
            return try await database.transaction { db in
                if let restored = try await Self.reinstall(version: version, companyID: companyID, retention: retention, at: now, on: db) { return restored }
                return try await Self.install(version: version, companyID: companyID, contactEmail: contactEmail, contactName: contactName, at: now, on: db)
            }
        } catch let error as StoreError {
            throw error
        } catch where database.isUniqueViolation(error) {
            // Another install of the same app in the same company committed first; the unique index said so.
            throw Self.alreadyInstalled
        }
    }

    static var alreadyInstalled: StoreError {
        StoreError(.conflict, "this app is already installed in this company; upgrade the installation instead", fields: ["version_key": "app already installed"])
    }

    /// Brings back the latest installation of the app in the company if it was uninstalled within `retention`:
    /// its contact, company levels from this version, and its retained permitted projects that still exist.
    static func reinstall(version: AppVersion, companyID: Int64, retention: TimeInterval, at now: Date, on db: any SQLDatabase) async throws -> Installation? {
        guard retention > 0, try await db.raw("SELECT id FROM installations WHERE app_id = \(bind: version.appID) AND company_id = \(bind: companyID) AND is_active = \(bind: true)").first() == nil,
              let row = try await db.raw("""
                SELECT * FROM installations WHERE app_id = \(bind: version.appID) AND company_id = \(bind: companyID) AND is_active = \(bind: false)
                    AND uninstalled_at >= \(bind: now.addingTimeInterval(-retention).unixSeconds)
                ORDER BY uninstalled_at DESC, id DESC LIMIT 1
                """).first()
        else { return nil }
        var installation = try Installation(row: row)
        let retained = (try row.optionalString("retained_project_ids") ?? "").split(separator: ",").compactMap { Int64($0) }
        let t = now.unixSeconds
        try await db.raw("""
            UPDATE installations SET is_active = \(bind: true), uninstalled_at = NULL, retained_project_ids = NULL, app_version_id = \(bind: version.id)
            WHERE id = \(bind: installation.id)
            """).run()
        try await db.raw("UPDATE people SET is_active = \(bind: true), updated_at = \(bind: t) WHERE id = \(bind: installation.contactID)").run()
        try await db.raw("UPDATE directory_entries SET is_active = \(bind: true) WHERE company_id = \(bind: companyID) AND person_id = \(bind: installation.contactID)").run()
        try await replaceLevels(version.manifest.companyLevels, of: .company(companyID: companyID, personID: installation.contactID), on: db)
        if !version.manifest.projectLevels.levels.isEmpty {
            let existing = Set(try await db.raw("SELECT id FROM projects WHERE company_id = \(bind: companyID)").all().map { try $0.int("id") })
            installation.isActive = true
            installation.versionID = version.id
            try await permit(projects: retained.filter(existing.contains), installation: installation, levels: version.manifest.projectLevels, at: now, on: db)
        }
        installation.isActive = true
        installation.versionID = version.id
        return installation
    }

    static func install(version: AppVersion, companyID: Int64, contactEmail: String, contactName: String, at now: Date, on db: any SQLDatabase) async throws -> Installation {
        let t = now.unixSeconds
        guard try await db.raw("SELECT id FROM companies WHERE id = \(bind: companyID)").first() != nil else { throw StoreError.notFound("company") }
        if try await db.raw("SELECT id FROM installations WHERE app_id = \(bind: version.appID) AND company_id = \(bind: companyID) AND is_active = \(bind: true)").first() != nil {
            throw alreadyInstalled
        }
        let contact = try await db.insertReturningID("""
            INSERT INTO people (kind, first_name, last_name, email, is_active, home_company_id, created_at, updated_at)
            VALUES (\(bind: Person.Kind.serviceAccountContact.rawValue), \(bind: contactName), \(bind: "(DMSA)"), \(bind: contactEmail.lowercased()),
                \(bind: true), \(bind: companyID), \(bind: t), \(bind: t)) RETURNING id
            """)
        try await db.raw("""
            INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at)
            VALUES (\(bind: companyID), \(bind: contact), \(bind: false), \(bind: true), \(bind: t))
            """).run()
        try await Self.replaceLevels(version.manifest.companyLevels, of: .company(companyID: companyID, personID: contact), on: db)
        let id = try await db.insertReturningID("""
            INSERT INTO installations (app_id, company_id, app_version_id, contact_id, is_active, created_at)
            VALUES (\(bind: version.appID), \(bind: companyID), \(bind: version.id), \(bind: contact), \(bind: true), \(bind: t)) RETURNING id
            """)
        return Installation(id: id, appID: version.appID, companyID: companyID, versionID: version.id, contactID: contact, isActive: true, createdAt: Date(unixSeconds: t))
    }

    /// Adds memberships (with the given levels) without removing existing ones.
    static func permit(projects: [Int64], installation: Installation, levels: ToolLevels, at now: Date, on db: any SQLDatabase) async throws {
        for project in Set(projects).sorted() {
            if try await db.raw("SELECT person_id FROM project_memberships WHERE project_id = \(bind: project) AND person_id = \(bind: installation.contactID)").first() == nil {
                try await db.raw("""
                    INSERT INTO project_memberships (project_id, person_id, permission_template_id, created_at)
                    VALUES (\(bind: project), \(bind: installation.contactID), \(bind: Int64?.none), \(bind: now.unixSeconds))
                    """).run()
            }
            try await replaceLevels(levels, of: .membership(projectID: project, personID: installation.contactID), on: db)
        }
    }

    public func upgrade(installationID: Int64, to version: AppVersion, at now: Date) async throws -> Installation {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM installations WHERE id = \(bind: installationID) AND is_active = \(bind: true)").first() else {
                throw StoreError.notFound("installation")
            }
            var installation = try Installation(row: row)
            try await db.raw("UPDATE installations SET app_version_id = \(bind: version.id) WHERE id = \(bind: installationID)").run()
            try await Self.replaceLevels(version.manifest.companyLevels, of: .company(companyID: installation.companyID, personID: installation.contactID), on: db)
            let projects = try await Self.memberProjectIDs(companyID: installation.companyID, personID: installation.contactID, on: db)
            for project in projects {
                if version.manifest.projectLevels.levels.isEmpty {
                    // A version that requests no project permissions has no use for permitted projects.
                    try await Self.removeMembership(projectID: project, personID: installation.contactID, on: db)
                } else {
                    try await Self.replaceLevels(version.manifest.projectLevels, of: .membership(projectID: project, personID: installation.contactID), on: db)
                }
            }
            installation.versionID = version.id
            return installation
        }
    }

    public func installation(id: Int64, companyID: Int64) async throws -> Installation? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM installations WHERE id = \(bind: id) AND company_id = \(bind: companyID)").first().map(Installation.init(row:))
        }
    }

    public func activeInstallation(appID: Int64, companyID: Int64) async throws -> Installation? {
        try await caches.installations.value(for: AccessKey(a: appID, b: companyID)) {
            try await database.withConnection { db in
                try await db.raw("SELECT * FROM installations WHERE app_id = \(bind: appID) AND company_id = \(bind: companyID) AND is_active = \(bind: true)").first().map(Installation.init(row:))
            }
        }
    }

    public func installations(companyID: Int64) async throws -> [Installation] {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM installations WHERE company_id = \(bind: companyID) ORDER BY id").all().map(Installation.init(row:))
        }
    }

    public func installations(appID: Int64) async throws -> [Installation] {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM installations WHERE app_id = \(bind: appID) ORDER BY id").all().map(Installation.init(row:))
        }
    }

    public func setPermittedProjects(installationID: Int64, projectIDs: [Int64], levels: ToolLevels) async throws {
        let wanted = Set(projectIDs)
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM installations WHERE id = \(bind: installationID) AND is_active = \(bind: true)").first() else {
                throw StoreError.notFound("installation")
            }
            let installation = try Installation(row: row)
            var foreign: [String: String] = [:]
            for project in wanted.sorted() {
                let owner = try await db.raw("SELECT company_id FROM projects WHERE id = \(bind: project)").first()
                if try owner?.int("company_id") != installation.companyID { foreign["project_ids"] = "project \(project) is not a project of this company" }
            }
            guard foreign.isEmpty else { throw StoreError(.invalid, "permitted projects must belong to the installing company", fields: foreign) }
            let current = Set(try await Self.memberProjectIDs(companyID: installation.companyID, personID: installation.contactID, on: db))
            for project in current.subtracting(wanted) {
                try await Self.removeMembership(projectID: project, personID: installation.contactID, on: db)
            }
            for project in wanted.subtracting(current).sorted() {
                try await db.raw("""
                    INSERT INTO project_memberships (project_id, person_id, permission_template_id, created_at)
                    VALUES (\(bind: project), \(bind: installation.contactID), \(bind: Int64?.none), \(bind: clock.now.unixSeconds))
                    """).run()
            }
            for project in wanted {
                try await Self.replaceLevels(levels, of: .membership(projectID: project, personID: installation.contactID), on: db)
            }
        }
    }

    public func permittedProjects(installationID: Int64) async throws -> [Int64] {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT m.project_id FROM installations i
                JOIN project_memberships m ON m.person_id = i.contact_id
                JOIN projects p ON p.id = m.project_id AND p.company_id = i.company_id
                WHERE i.id = \(bind: installationID) ORDER BY m.project_id
                """).all().map { try $0.int("project_id") }
        }
    }

    public func uninstall(installationID: Int64, companyID: Int64, at now: Date) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM installations WHERE id = \(bind: installationID) AND company_id = \(bind: companyID) AND is_active = \(bind: true)").first() else {
                throw StoreError.notFound("installation")
            }
            let installation = try Installation(row: row)
            let permitted = try await Self.memberProjectIDs(companyID: companyID, personID: installation.contactID, on: db)
            try await Self.stripAccess(contact: installation.contactID, companyID: companyID, on: db)
            try await db.raw("""
                UPDATE installations SET is_active = \(bind: false), uninstalled_at = \(bind: now.unixSeconds),
                    retained_project_ids = \(bind: permitted.map(String.init).joined(separator: ","))
                WHERE id = \(bind: installationID)
                """).run()
            try await db.raw("UPDATE directory_entries SET is_active = \(bind: false) WHERE company_id = \(bind: companyID) AND person_id = \(bind: installation.contactID)").run()
            try await db.raw("UPDATE people SET is_active = \(bind: false), updated_at = \(bind: now.unixSeconds) WHERE id = \(bind: installation.contactID)").run()
        }
    }
}

extension SQLStore {
    public func setAddToNewProjects(installationID: Int64, enabled: Bool) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM installations WHERE id = \(bind: installationID) AND is_active = \(bind: true)").first() else {
                throw StoreError.notFound("installation")
            }
            let installation = try Installation(row: row)
            try await db.raw("""
                UPDATE directory_entries SET add_to_new_projects = \(bind: enabled)
                WHERE company_id = \(bind: installation.companyID) AND person_id = \(bind: installation.contactID)
                """).run()
        }
    }

    public func addsToNewProjects(installationID: Int64) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT d.add_to_new_projects FROM installations i
                JOIN directory_entries d ON d.company_id = i.company_id AND d.person_id = i.contact_id
                WHERE i.id = \(bind: installationID)
                """).first()?.bool("add_to_new_projects") ?? false
        }
    }
}

extension Installation {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.int("id"), appID: try row.int("app_id"), companyID: try row.int("company_id"), versionID: try row.int("app_version_id"),
            contactID: try row.int("contact_id"), isActive: try row.bool("is_active"), createdAt: try row.date("created_at")
        )
    }
}
