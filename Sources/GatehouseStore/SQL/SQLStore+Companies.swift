import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: CompanyStore {
    public func createCompany(name: String) async throws -> Company {
        let now = clock.now.unixSeconds
        let id = try await database.write { db in
            try await db.insertReturningID("INSERT INTO companies (name, is_active, created_at) VALUES (\(bind: name), \(bind: true), \(bind: now)) RETURNING id")
        }
        return Company(id: id, name: name, isActive: true)
    }

    public func companies() async throws -> [Company] {
        try await database.withConnection { db in
            try await db.raw("SELECT id, name, is_active FROM companies ORDER BY id").all().map(Company.init(row:))
        }
    }

    public func company(id: Int64) async throws -> Company? {
        try await caches.companies.value(for: id, keep: { $0 != nil }) {
            try await database.withConnection { db in
                try await db.raw("SELECT id, name, is_active FROM companies WHERE id = \(bind: id)").first().map(Company.init(row:))
            }
        }
    }
}

extension SQLStore {
    /// Through `write`, so cached project reads and pages, and the access they grant, change on every node.
    public func updateProject(_ project: Project) async throws -> Project? {
        let p = project
        let updated = try await database.write { db in
            try await db.raw("""
                UPDATE projects SET name = \(bind: p.name), display_name = \(bind: p.displayName), project_number = \(bind: p.projectNumber),
                    active = \(bind: p.active), stage = \(bind: p.stage), address = \(bind: p.address), city = \(bind: p.city),
                    state_code = \(bind: p.stateCode), country_code = \(bind: p.countryCode), zip = \(bind: p.zip), time_zone = \(bind: p.timeZone),
                    updated_at = \(bind: p.updatedAt.unixSeconds)
                WHERE id = \(bind: p.id) AND company_id = \(bind: p.companyID) RETURNING id
                """).first() != nil
        }
        return updated ? project : nil
    }

    /// One statement, through `write`, so every node's caches drop the company (and with it every cached
    /// answer that depended on it being active) at once.
    public func updateCompany(_ company: Company) async throws -> Company? {
        let updated = try await database.write { db in
            try await db.raw("UPDATE companies SET name = \(bind: company.name), is_active = \(bind: company.isActive) WHERE id = \(bind: company.id) RETURNING id")
                .first() != nil
        }
        return updated ? company : nil
    }
}

extension Company {
    init(row: any SQLRow) throws {
        self.init(id: try row.int("id"), name: try row.string("name"), isActive: try row.bool("is_active"))
    }
}

extension SQLStore: ProjectStore {
    public func createProject(_ project: Project) async throws -> Project {
        let p = project
        let now = clock.now
        let id = try await database.transaction { db in
            let id = try await db.insertReturningID("""
                INSERT INTO projects (company_id, name, display_name, project_number, active, stage, address, city,
                    state_code, country_code, zip, time_zone, created_at, updated_at)
                VALUES (\(bind: p.companyID), \(bind: p.name), \(bind: p.displayName), \(bind: p.projectNumber), \(bind: p.active),
                    \(bind: p.stage), \(bind: p.address), \(bind: p.city), \(bind: p.stateCode), \(bind: p.countryCode),
                    \(bind: p.zip), \(bind: p.timeZone), \(bind: now.unixSeconds), \(bind: now.unixSeconds))
                RETURNING id
                """)
            try await Self.addToNewProject(id, companyID: p.companyID, at: now, on: db)
            return id
        }
        var created = project
        created.id = id
        created.createdAt = Date(unixSeconds: now.unixSeconds)
        created.updatedAt = created.createdAt
        return created
    }

    public func project(id: Int64) async throws -> Project? {
        try await caches.projects.value(for: id, keep: { $0 != nil }) {
            try await database.withConnection { db in
                try await db.raw("SELECT * FROM projects WHERE id = \(bind: id)").first().map(Project.init(row:))
            }
        }
    }

    /// A page of a company's projects, cached like the single reads: a REST client polls the same page, and
    /// counting and paging in SQL on every call was most of that call's cost.
    public func projects(companyID: Int64, limit: Int, offset: Int, activeOnly: Bool) async throws -> (items: [Project], total: Int) {
        let page = try await caches.projectPages.value(for: PageKey(companyID: companyID, limit: limit, offset: offset, activeOnly: activeOnly)) {
            let (items, total) = try await self.uncachedProjects(companyID: companyID, limit: limit, offset: offset, activeOnly: activeOnly)
            return ProjectPage(items: items, total: total)
        }
        return (page.items, page.total)
    }

    private func uncachedProjects(companyID: Int64, limit: Int, offset: Int, activeOnly: Bool) async throws -> (items: [Project], total: Int) {
        // `active IN (TRUE)` or `active IN (TRUE, FALSE)`: one statement shape for both, bound on both engines.
        let states = activeOnly ? [true] : [true, false]
        return try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM projects WHERE company_id = \(bind: companyID) AND active IN (\(binds: states))").first()?.int("n") ?? 0
            let items = try await db.raw("SELECT * FROM projects WHERE company_id = \(bind: companyID) AND active IN (\(binds: states)) ORDER BY id LIMIT \(bind: limit) OFFSET \(bind: offset)")
                .all().map(Project.init(row:))
            return (items, Int(total))
        }
    }
}

extension Project {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.int("id"), companyID: try row.int("company_id"), name: try row.string("name"),
            displayName: try row.string("display_name"), projectNumber: try row.optionalString("project_number"),
            active: try row.bool("active"), stage: try row.optionalString("stage"), address: try row.optionalString("address"),
            city: try row.optionalString("city"), stateCode: try row.optionalString("state_code"),
            countryCode: try row.optionalString("country_code"), zip: try row.optionalString("zip"),
            timeZone: try row.optionalString("time_zone"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at")
        )
    }
}

extension SQLStore {
    /// Procore's "add to all new projects": every active directory entry of the company that asks for it joins
    /// the new project in the same transaction. An installed app's contact joins with its manifest's project
    /// levels; a person joins with their default permission template.
    static func addToNewProject(_ projectID: Int64, companyID: Int64, at now: Date, on db: any SQLDatabase) async throws {
        let entries = try await db.raw("""
            SELECT d.person_id, d.default_permission_template_id, v.manifest
            FROM directory_entries d
            LEFT JOIN installations i ON i.contact_id = d.person_id AND i.company_id = d.company_id AND i.is_active = \(bind: true)
            LEFT JOIN app_versions v ON v.id = i.app_version_id
            WHERE d.company_id = \(bind: companyID) AND d.is_active = \(bind: true) AND d.add_to_new_projects = \(bind: true)
            """).all()
        for entry in entries {
            let person = try entry.int("person_id")
            if let stored = try entry.optionalString("manifest") {
                guard let manifest = Manifest.stored(stored), !manifest.projectLevels.levels.isEmpty else { continue }
                try await db.raw("""
                    INSERT INTO project_memberships (project_id, person_id, permission_template_id, created_at)
                    VALUES (\(bind: projectID), \(bind: person), \(bind: Int64?.none), \(bind: now.unixSeconds))
                    """).run()
                try await replaceLevels(manifest.projectLevels, of: .membership(projectID: projectID, personID: person), on: db)
            } else if let template = try entry.optionalInt("default_permission_template_id") {
                try await db.raw("""
                    INSERT INTO project_memberships (project_id, person_id, permission_template_id, created_at)
                    VALUES (\(bind: projectID), \(bind: person), \(bind: template), \(bind: now.unixSeconds))
                    """).run()
            }
        }
    }
}
