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
                WHERE p.company_id = \(bind: companyID) AND m.person_id = \(bind: personID) AND m.permission_template_id IS NOT NULL
                UNION ALL
                SELECT m.project_id, ml.tool AS tool, ml.level AS level
                FROM project_memberships m
                JOIN projects p ON p.id = m.project_id
                LEFT JOIN membership_levels ml ON ml.project_id = m.project_id AND ml.person_id = m.person_id
                WHERE p.company_id = \(bind: companyID) AND m.person_id = \(bind: personID) AND m.permission_template_id IS NULL
                """).all()
            var projects: [Int64: [String: PermissionLevel]] = [:]
            for row in rows {
                let project = try row.int("project_id")
                var levels = projects[project] ?? [:]
                if let tool = try row.optionalString("tool"), let level = PermissionLevel(rawValue: try row.string("level")) {
                    levels[tool] = level
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
            if let level = PermissionLevel(rawValue: try row.string("level")) { levels[try row.string("tool")] = level }
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
            try await db.raw("DELETE FROM company_permissions WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").run()
            // `none` is the absence of a row, so "back to none" and "never granted" look the same.
            for (tool, level) in levels.levels.sorted(by: { $0.key < $1.key }) where level != .none {
                try await db.raw("""
                    INSERT INTO company_permissions (company_id, person_id, tool, level)
                    VALUES (\(bind: companyID), \(bind: personID), \(bind: tool), \(bind: level.rawValue))
                    """).run()
            }
        }
    }

    public func addToDirectory(companyID: Int64, personID: Int64) async throws {
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM companies WHERE id = \(bind: companyID)").first() != nil else { throw StoreError.notFound("company") }
            guard let row = try await db.raw("SELECT * FROM people WHERE id = \(bind: personID)").first() else { throw StoreError.notFound("person") }
            let person = try Person(row: row)
            if person.kind == .serviceAccountContact, person.homeCompanyID != companyID {
                throw StoreError(.conflict, "A service account's contact belongs to its own company and cannot join another company's directory",
                                 fields: ["person_id": "is a service-account contact of company \(person.homeCompanyID ?? 0)"])
            }
            if try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil {
                throw StoreError(.conflict, "This person is already in the company directory", fields: ["person_id": "already in the directory"])
            }
            try await db.raw("""
                INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at)
                VALUES (\(bind: companyID), \(bind: personID), \(bind: false), \(bind: true), \(bind: Date().unixSeconds))
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

    public func updatePerson(_ person: Person) async throws {
        try await database.transaction { db in
            if try await db.raw("SELECT id FROM people WHERE email = \(bind: person.email.lowercased()) AND id <> \(bind: person.id)").first() != nil {
                throw StoreError(.conflict, "a person with this email already exists", fields: ["email": "already taken"])
            }
            try await db.raw("""
                UPDATE people SET first_name = \(bind: person.firstName), last_name = \(bind: person.lastName),
                    email = \(bind: person.email.lowercased()), job_title = \(bind: person.jobTitle), updated_at = \(bind: Date().unixSeconds)
                WHERE id = \(bind: person.id)
                """).run()
        }
    }
}

extension SQLStore: TemplateStore {
    public func createTemplate(companyID: Int64, name: String, projectID: Int64?, levels: ToolLevels) async throws -> PermissionTemplate {
        let now = Date().unixSeconds
        let id = try await database.transaction { db in
            if let projectID {
                guard try await db.raw("SELECT id FROM projects WHERE id = \(bind: projectID) AND company_id = \(bind: companyID)").first() != nil else {
                    throw StoreError(.invalid, "project does not belong to this company", fields: ["project_id": "is not a project of this company"])
                }
            }
            let id = try await db.insertReturningID("""
                INSERT INTO permission_templates (company_id, name, project_id, created_at, updated_at)
                VALUES (\(bind: companyID), \(bind: name), \(bind: projectID), \(bind: now), \(bind: now)) RETURNING id
                """)
            try await Self.writeLevels(levels, templateID: id, on: db)
            return id
        }
        return PermissionTemplate(id: id, companyID: companyID, name: name, projectID: projectID, levels: levels)
    }

    static func writeLevels(_ levels: ToolLevels, templateID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM template_levels WHERE template_id = \(bind: templateID)").run()
        for (tool, level) in levels.levels.sorted(by: { $0.key < $1.key }) where level != .none {
            try await db.raw("INSERT INTO template_levels (template_id, tool, level) VALUES (\(bind: templateID), \(bind: tool), \(bind: level.rawValue))").run()
        }
    }

    public func templates(companyID: Int64, projectID: Int64?) async throws -> [PermissionTemplate] {
        try await database.withConnection { db in
            let rows: [any SQLRow]
            if let projectID {
                rows = try await db.raw("SELECT * FROM permission_templates WHERE company_id = \(bind: companyID) AND (project_id IS NULL OR project_id = \(bind: projectID)) ORDER BY id").all()
            } else {
                rows = try await db.raw("SELECT * FROM permission_templates WHERE company_id = \(bind: companyID) ORDER BY id").all()
            }
            var result: [PermissionTemplate] = []
            for row in rows { result.append(try await Self.template(row: row, on: db)) }
            return result
        }
    }

    static func template(row: any SQLRow, on db: any SQLDatabase) async throws -> PermissionTemplate {
        let id = try row.int("id")
        let levels = try await levels(db.raw("SELECT tool, level FROM template_levels WHERE template_id = \(bind: id)").all())
        return PermissionTemplate(id: id, companyID: try row.int("company_id"), name: try row.string("name"), projectID: try row.optionalInt("project_id"), levels: levels)
    }

    public func template(id: Int64, companyID: Int64) async throws -> PermissionTemplate? {
        try await database.withConnection { db in
            guard let row = try await db.raw("SELECT * FROM permission_templates WHERE id = \(bind: id) AND company_id = \(bind: companyID)").first() else { return nil }
            return try await Self.template(row: row, on: db)
        }
    }

    public func updateTemplate(_ template: PermissionTemplate) async throws {
        try await database.transaction { db in
            try await db.raw("UPDATE permission_templates SET name = \(bind: template.name), updated_at = \(bind: Date().unixSeconds) WHERE id = \(bind: template.id) AND company_id = \(bind: template.companyID)").run()
            try await Self.writeLevels(template.levels, templateID: template.id, on: db)
        }
    }

    public func deleteTemplate(id: Int64, companyID: Int64) async throws {
        try await database.transaction { db in
            guard try await db.raw("SELECT id FROM permission_templates WHERE id = \(bind: id) AND company_id = \(bind: companyID)").first() != nil else {
                throw StoreError.notFound("permission template")
            }
            let uses = try await db.raw("SELECT COUNT(*) AS n FROM project_memberships WHERE permission_template_id = \(bind: id)").first()?.int("n") ?? 0
            guard uses == 0 else {
                throw StoreError(.conflict, "permission template is used by \(uses) project membership(s); reassign them first")
            }
            try await db.raw("UPDATE directory_entries SET default_permission_template_id = NULL WHERE default_permission_template_id = \(bind: id)").run()
            try await db.raw("DELETE FROM permission_templates WHERE id = \(bind: id)").run()
        }
    }
}

extension SQLStore: MembershipStore {
    public func addMembership(projectID: Int64, personID: Int64, templateID: Int64?, levels: ToolLevels?) async throws {
        try await database.transaction { db in
            guard let project = try await db.raw("SELECT company_id FROM projects WHERE id = \(bind: projectID)").first() else { throw StoreError.notFound("project") }
            let companyID = try project.int("company_id")
            guard try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil else {
                throw StoreError(.invalid, "the person must be in the company directory before joining a project", fields: ["person_id": "is not in this company's directory"])
            }
            if let templateID {
                guard let row = try await db.raw("SELECT project_id FROM permission_templates WHERE id = \(bind: templateID) AND company_id = \(bind: companyID)").first() else {
                    throw StoreError(.invalid, "unknown permission template", fields: ["permission_template_id": "is not a template of this company"])
                }
                if let only = try row.optionalInt("project_id"), only != projectID {
                    throw StoreError(.invalid, "this project-specific template belongs to another project", fields: ["permission_template_id": "belongs to project \(only)"])
                }
            }
            try await db.raw("DELETE FROM project_memberships WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").run()
            try await db.raw("""
                INSERT INTO project_memberships (project_id, person_id, permission_template_id, created_at)
                VALUES (\(bind: projectID), \(bind: personID), \(bind: templateID), \(bind: Date().unixSeconds))
                """).run()
            if templateID == nil, let levels {
                for (tool, level) in levels.levels.sorted(by: { $0.key < $1.key }) where level != .none {
                    try await db.raw("""
                        INSERT INTO membership_levels (project_id, person_id, tool, level)
                        VALUES (\(bind: projectID), \(bind: personID), \(bind: tool), \(bind: level.rawValue))
                        """).run()
                }
            }
        }
    }

    public func removeMembership(projectID: Int64, personID: Int64) async throws -> Bool {
        try await database.transaction { db in
            let exists = try await db.raw("SELECT person_id FROM project_memberships WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").first() != nil
            if exists {
                try await db.raw("DELETE FROM membership_levels WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").run()
                try await db.raw("DELETE FROM project_memberships WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").run()
            }
            return exists
        }
    }

    public func projectMembers(projectID: Int64, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM project_memberships WHERE project_id = \(bind: projectID)").first()?.int("n") ?? 0
            let items = try await db.raw("""
                SELECT pe.*, d.is_employee AS entry_is_employee, d.is_active AS entry_is_active, m.permission_template_id
                FROM project_memberships m
                JOIN projects pr ON pr.id = m.project_id
                JOIN people pe ON pe.id = m.person_id
                LEFT JOIN directory_entries d ON d.person_id = m.person_id AND d.company_id = pr.company_id
                WHERE m.project_id = \(bind: projectID) ORDER BY pe.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map { row in
                DirectoryMember(
                    person: try Person(row: row), isEmployee: try row.decode(column: "entry_is_employee", as: Bool?.self) ?? false,
                    isActive: try row.decode(column: "entry_is_active", as: Bool?.self) ?? false,
                    permissionTemplateID: try row.optionalInt("permission_template_id")
                )
            }
            return (items, Int(total))
        }
    }

    public func memberProjects(companyID: Int64, personID: Int64, limit: Int, offset: Int) async throws -> (items: [Project], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("""
                SELECT COUNT(*) AS n FROM project_memberships m JOIN projects p ON p.id = m.project_id
                WHERE p.company_id = \(bind: companyID) AND m.person_id = \(bind: personID)
                """).first()?.int("n") ?? 0
            let items = try await db.raw("""
                SELECT p.* FROM project_memberships m JOIN projects p ON p.id = m.project_id
                WHERE p.company_id = \(bind: companyID) AND m.person_id = \(bind: personID)
                ORDER BY p.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map(Project.init(row:))
            return (items, Int(total))
        }
    }
}

extension SQLStore: RFIStore {
    public func createRFI(projectID: Int64, subject: String, questionBody: String, rfiManagerID: Int64?, createdByID: Int64, at now: Date) async throws -> RFI {
        let t = now.unixSeconds
        return try await database.transaction { db in
            let number = (try await db.raw("SELECT MAX(number) AS n FROM rfis WHERE project_id = \(bind: projectID)").first()?.optionalInt("n") ?? 0) + 1
            let id = try await db.insertReturningID("""
                INSERT INTO rfis (project_id, number, subject, question_body, status, rfi_manager_id, created_by_id, created_at, updated_at)
                VALUES (\(bind: projectID), \(bind: number), \(bind: subject), \(bind: questionBody), \(bind: "open"), \(bind: rfiManagerID),
                    \(bind: createdByID), \(bind: t), \(bind: t)) RETURNING id
                """)
            return RFI(id: id, projectID: projectID, number: number, subject: subject, questionBody: questionBody, status: "open",
                       rfiManagerID: rfiManagerID, createdByID: createdByID, createdAt: Date(unixSeconds: t), updatedAt: Date(unixSeconds: t))
        }
    }

    public func rfis(projectID: Int64, limit: Int, offset: Int) async throws -> (items: [RFI], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM rfis WHERE project_id = \(bind: projectID)").first()?.int("n") ?? 0
            let items = try await db.raw("SELECT * FROM rfis WHERE project_id = \(bind: projectID) ORDER BY id LIMIT \(bind: limit) OFFSET \(bind: offset)").all().map(RFI.init(row:))
            return (items, Int(total))
        }
    }

    public func rfi(id: Int64, projectID: Int64) async throws -> RFI? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM rfis WHERE id = \(bind: id) AND project_id = \(bind: projectID)").first().map(RFI.init(row:))
        }
    }

    public func updateRFI(_ rfi: RFI) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE rfis SET subject = \(bind: rfi.subject), question_body = \(bind: rfi.questionBody), status = \(bind: rfi.status),
                    rfi_manager_id = \(bind: rfi.rfiManagerID), updated_at = \(bind: rfi.updatedAt.unixSeconds)
                WHERE id = \(bind: rfi.id) AND project_id = \(bind: rfi.projectID)
                """).run()
        }
    }

    public func deleteRFI(id: Int64, projectID: Int64) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM rfis WHERE id = \(bind: id) AND project_id = \(bind: projectID)").run()
        }
    }
}

extension RFI {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.int("id"), projectID: try row.int("project_id"), number: try row.int("number"), subject: try row.string("subject"),
            questionBody: try row.string("question_body"), status: try row.string("status"), rfiManagerID: try row.optionalInt("rfi_manager_id"),
            createdByID: try row.int("created_by_id"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at")
        )
    }
}
