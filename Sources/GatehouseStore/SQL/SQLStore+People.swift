import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: PersonStore {
    public func createUser(_ user: NewUser) async throws -> Person {
        let now = clock.now.unixSeconds
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
        try await caches.people.value(for: id, keep: { $0 != nil }) {
            try await database.withConnection { db in
                try await db.raw("SELECT * FROM people WHERE id = \(bind: id)").first().map(Person.init(row:))
            }
        }
    }

    public func setPasswordHash(personID: Int64, hash: String) async throws {
        try await database.write { db in
            try await db.raw("UPDATE people SET password_hash = \(bind: hash), updated_at = \(bind: clock.now.unixSeconds) WHERE id = \(bind: personID) AND kind = \(bind: Person.Kind.user.rawValue)").run()
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
            id: try row.int("id"), kind: try SQLStore.decodeEnum(Person.Kind.self, row, "kind"),
            firstName: try row.string("first_name"), lastName: try row.string("last_name"), email: try row.string("email"),
            jobTitle: try row.optionalString("job_title"), isActive: try row.bool("is_active"),
            homeCompanyID: try row.optionalInt("home_company_id")
        )
    }
}
