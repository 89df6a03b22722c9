import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: CompanyStore {
    public func createCompany(name: String) async throws -> Company {
        let now = Date().unixSeconds
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
        try await database.withConnection { db in
            try await db.raw("SELECT id, name, is_active FROM companies WHERE id = \(bind: id)").first().map(Company.init(row:))
        }
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
        let now = Date()
        let id = try await database.write { db in
            try await db.insertReturningID("""
                INSERT INTO projects (company_id, name, display_name, project_number, active, stage, address, city,
                    state_code, country_code, zip, time_zone, created_at, updated_at)
                VALUES (\(bind: p.companyID), \(bind: p.name), \(bind: p.displayName), \(bind: p.projectNumber), \(bind: p.active),
                    \(bind: p.stage), \(bind: p.address), \(bind: p.city), \(bind: p.stateCode), \(bind: p.countryCode),
                    \(bind: p.zip), \(bind: p.timeZone), \(bind: now.unixSeconds), \(bind: now.unixSeconds))
                RETURNING id
                """)
        }
        var created = project
        created.id = id
        created.createdAt = Date(unixSeconds: now.unixSeconds)
        created.updatedAt = created.createdAt
        return created
    }

    public func project(id: Int64) async throws -> Project? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM projects WHERE id = \(bind: id)").first().map(Project.init(row:))
        }
    }

    public func projects(companyID: Int64, limit: Int, offset: Int) async throws -> (items: [Project], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM projects WHERE company_id = \(bind: companyID)").first()?.int("n") ?? 0
            let items = try await db.raw("SELECT * FROM projects WHERE company_id = \(bind: companyID) ORDER BY id LIMIT \(bind: limit) OFFSET \(bind: offset)")
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

extension SQLStore: PersonStore {
    public func createUser(_ user: NewUser) async throws -> Person {
        let now = Date().unixSeconds
        let email = user.email.lowercased()
        let id = try await database.transaction { db in
            guard try await db.raw("SELECT id FROM companies WHERE id = \(bind: user.companyID)").first() != nil else {
                throw StoreError.notFound("company")
            }
            if try await db.raw("SELECT id FROM people WHERE email = \(bind: email)").first() != nil {
                throw StoreError(.conflict, "a person with this email already exists", fields: ["email": "already taken"])
            }
            let id = try await db.insertReturningID("""
                INSERT INTO people (kind, first_name, last_name, email, job_title, password_hash, is_active, created_at, updated_at)
                VALUES (\(bind: Person.Kind.user.rawValue), \(bind: user.firstName), \(bind: user.lastName), \(bind: email),
                    \(bind: user.jobTitle), \(bind: user.passwordHash), \(bind: true), \(bind: now), \(bind: now))
                RETURNING id
                """)
            try await db.raw("""
                INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at)
                VALUES (\(bind: user.companyID), \(bind: id), \(bind: user.isEmployee), \(bind: true), \(bind: now))
                """).run()
            return id
        }
        return Person(id: id, kind: .user, firstName: user.firstName, lastName: user.lastName, email: email, jobTitle: user.jobTitle)
    }

    public func person(id: Int64) async throws -> Person? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM people WHERE id = \(bind: id)").first().map(Person.init(row:))
        }
    }

    public func setPasswordHash(personID: Int64, hash: String) async throws {
        try await database.write { db in
            try await db.raw("UPDATE people SET password_hash = \(bind: hash), updated_at = \(bind: Date().unixSeconds) WHERE id = \(bind: personID) AND kind = \(bind: Person.Kind.user.rawValue)").run()
        }
    }

    public func login(email: String) async throws -> (person: Person, passwordHash: String?)? {
        try await database.withConnection { db in
            guard let row = try await db.raw("SELECT * FROM people WHERE email = \(bind: email.lowercased())").first() else { return nil }
            return (try Person(row: row), try row.optionalString("password_hash"))
        }
    }
}

extension Person {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.int("id"), kind: Person.Kind(rawValue: try row.string("kind")) ?? .user,
            firstName: try row.string("first_name"), lastName: try row.string("last_name"), email: try row.string("email"),
            jobTitle: try row.optionalString("job_title"), isActive: try row.bool("is_active"),
            homeCompanyID: try row.optionalInt("home_company_id")
        )
    }
}
