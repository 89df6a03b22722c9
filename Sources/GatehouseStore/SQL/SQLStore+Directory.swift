import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: DirectoryStore {
    public func access(companyID: Int64, personID: Int64) async throws -> Access {
        try await caches.access.value(for: AccessKey(a: companyID, b: personID)) { try await loadAccess(companyID: companyID, personID: personID) }
    }

    func loadAccess(companyID: Int64, personID: Int64) async throws -> Access {
        try await database.withConnection { db in
            let entry = try await db.raw("""
                SELECT is_active FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)
                """).first()
            let isIn = try entry.map { try $0.bool("is_active") } ?? false
            let company = try await Self.levels(db.raw("""
                SELECT tool, level FROM company_permissions WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)
                """).all())
            // Template levels for template memberships, explicit levels otherwise; one query for both.
            let rows = try await db.raw("""
                SELECT m.project_id, tl.tool AS tool, tl.level AS level
                FROM project_memberships m
                JOIN projects p ON p.id = m.project_id
                LEFT JOIN template_levels tl ON tl.template_id = m.permission_template_id
                WHERE p.company_id = \(bind: companyID) AND p.active = \(bind: true) AND m.person_id = \(bind: personID) AND m.permission_template_id IS NOT NULL
                UNION ALL
                SELECT m.project_id, ml.tool AS tool, ml.level AS level
                FROM project_memberships m
                JOIN projects p ON p.id = m.project_id
                LEFT JOIN membership_levels ml ON ml.project_id = m.project_id AND ml.person_id = m.person_id
                WHERE p.company_id = \(bind: companyID) AND p.active = \(bind: true) AND m.person_id = \(bind: personID) AND m.permission_template_id IS NULL
                """).all()
            var projects: [Int64: [String: PermissionLevel]] = [:]
            for row in rows {
                let project = try row.int("project_id")
                var levels = projects[project] ?? [:]
                if let tool = try row.optionalString("tool") {
                    levels[tool] = try Self.decodeEnum(PermissionLevel.self, row, "level")
                }
                projects[project] = levels
            }
            return Access(
                companyID: companyID, isInDirectory: isIn, companyLevels: company,
                projectLevels: projects.mapValues { ToolLevels(trusted: $0) }
            )
        }
    }

    static func levels(_ rows: [any SQLRow]) throws -> ToolLevels {
        var levels: [String: PermissionLevel] = [:]
        for row in rows {
            levels[try row.string("tool")] = try decodeEnum(PermissionLevel.self, row, "level")
        }
        return ToolLevels(trusted: levels)
    }

    public func companyLevels(companyID: Int64, personID: Int64) async throws -> ToolLevels? {
        try await database.withConnection { db in
            guard try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil else {
                return nil
            }
            return try await Self.levels(db.raw("SELECT tool, level FROM company_permissions WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").all())
        }
    }

    public func setCompanyLevels(companyID: Int64, personID: Int64, levels: ToolLevels) async throws {
        try await database.transaction { db in
            guard try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil else {
                throw StoreError.notFound("directory entry")
            }
            try await Self.replaceLevels(levels, of: .company(companyID: companyID, personID: personID), on: db)
        }
    }

    public func addToDirectory(companyID: Int64, personID: Int64) async throws {
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM companies WHERE id = \(bind: companyID)").first() != nil else { throw StoreError.notFound("company") }
            guard let row = try await db.raw("SELECT * FROM people WHERE id = \(bind: personID)").first() else { throw StoreError.notFound("person") }
            // The contact rule itself lives in Core (`Person.directoryRefusal`); the store re-reads the row in the
            // transaction so a caller that skipped the rule still cannot break it.
            if let refusal = try Person(row: row).directoryRefusal(joining: companyID) { throw refusal }
            if try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil {
                throw StoreError(.conflict, "This person is already in the company directory", fields: ["person_id": "already in the directory"])
            }
            try await db.raw("""
                INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at)
                VALUES (\(bind: companyID), \(bind: personID), \(bind: false), \(bind: true), \(bind: clock.now.unixSeconds))
                """).run()
        }
    }

    public func directoryMembers(companyID: Int64, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM directory_entries WHERE company_id = \(bind: companyID)").first()?.int("n") ?? 0
            let items = try await db.raw("""
                SELECT p.*, d.is_employee AS entry_is_employee, d.is_active AS entry_is_active
                FROM directory_entries d JOIN people p ON p.id = d.person_id
                WHERE d.company_id = \(bind: companyID) ORDER BY p.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map { row in
                DirectoryMember(person: try Person(row: row), isEmployee: try row.bool("entry_is_employee"), isActive: try row.bool("entry_is_active"))
            }
            return (items, Int(total))
        }
    }

    public func directoryCompanies(personID: Int64) async throws -> [Company] {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT c.id, c.name, c.is_active FROM directory_entries d JOIN companies c ON c.id = d.company_id
                WHERE d.person_id = \(bind: personID) AND d.is_active = \(bind: true) ORDER BY c.id
                """).all().map(Company.init(row:))
        }
    }

    public func removeFromDirectory(companyID: Int64, personID: Int64) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil else {
                return false
            }
            try await db.raw("DELETE FROM membership_levels WHERE person_id = \(bind: personID) AND project_id IN (SELECT id FROM projects WHERE company_id = \(bind: companyID))").run()
            try await db.raw("DELETE FROM project_memberships WHERE person_id = \(bind: personID) AND project_id IN (SELECT id FROM projects WHERE company_id = \(bind: companyID))").run()
            try await db.raw("DELETE FROM company_permissions WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").run()
            try await db.raw("DELETE FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").run()
            return true
        }
    }

    public func updatePerson(_ person: Person) async throws {
        try await database.transaction { db in
            if try await db.raw("SELECT id FROM people WHERE email = \(bind: person.email.lowercased()) AND id <> \(bind: person.id)").first() != nil {
                throw StoreError(.conflict, "a person with this email already exists", fields: ["email": "already taken"])
            }
            try await db.raw("""
                UPDATE people SET first_name = \(bind: person.firstName), last_name = \(bind: person.lastName),
                    email = \(bind: person.email.lowercased()), job_title = \(bind: person.jobTitle), is_active = \(bind: person.isActive),
                    updated_at = \(bind: clock.now.unixSeconds)
                WHERE id = \(bind: person.id)
                """).run()
        }
    }
}
