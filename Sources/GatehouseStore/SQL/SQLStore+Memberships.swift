import Foundation
import GatehouseCore
import SQLKit

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
                VALUES (\(bind: projectID), \(bind: personID), \(bind: templateID), \(bind: clock.now.unixSeconds))
                """).run()
            if templateID == nil, let levels {
                try await Self.replaceLevels(levels, of: .membership(projectID: projectID, personID: personID), on: db)
            }
        }
    }

    public func removeMembership(projectID: Int64, personID: Int64) async throws -> Bool {
        try await database.transaction { db in
            let exists = try await db.raw("SELECT person_id FROM project_memberships WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").first() != nil
            if exists { try await Self.removeMembership(projectID: projectID, personID: personID, on: db) }
            return exists
        }
    }

    /// Removes a membership and its explicit levels; callers run it inside their transaction.
    static func removeMembership(projectID: Int64, personID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM membership_levels WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").run()
        try await db.raw("DELETE FROM project_memberships WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)").run()
    }

    public func projectMembers(projectID: Int64, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM project_memberships WHERE project_id = \(bind: projectID)").first()?.int("n") ?? 0
            let items = try await db.raw("""
                \(unsafeRaw: Self.memberSelect)
                WHERE m.project_id = \(bind: projectID) ORDER BY pe.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map(Self.member(row:))
            return (items, Int(total))
        }
    }

    public func projectMember(projectID: Int64, personID: Int64) async throws -> DirectoryMember? {
        try await database.withConnection { db in
            try await db.raw("""
                \(unsafeRaw: Self.memberSelect)
                WHERE m.project_id = \(bind: projectID) AND m.person_id = \(bind: personID)
                """).first().map(Self.member(row:))
        }
    }

    /// A membership with its person and directory entry; the lists and the single read share it.
    private static let memberSelect = """
        SELECT pe.*, d.is_employee AS entry_is_employee, d.is_active AS entry_is_active, m.permission_template_id
        FROM project_memberships m
        JOIN projects pr ON pr.id = m.project_id
        JOIN people pe ON pe.id = m.person_id
        LEFT JOIN directory_entries d ON d.person_id = m.person_id AND d.company_id = pr.company_id
        """

    private static func member(row: any SQLRow) throws -> DirectoryMember {
        DirectoryMember(
            person: try Person(row: row), isEmployee: try row.decode(column: "entry_is_employee", as: Bool?.self) ?? false,
            isActive: try row.decode(column: "entry_is_active", as: Bool?.self) ?? false,
            permissionTemplateID: try row.optionalInt("permission_template_id")
        )
    }

    public func memberProjects(companyID: Int64, personID: Int64, limit: Int, offset: Int) async throws -> (items: [Project], total: Int) {
        try await database.withConnection { db in
            let total = try await db.raw("""
                SELECT COUNT(*) AS n FROM project_memberships m JOIN projects p ON p.id = m.project_id
                WHERE p.company_id = \(bind: companyID) AND p.active = \(bind: true) AND m.person_id = \(bind: personID)
                """).first()?.int("n") ?? 0
            let items = try await db.raw("""
                SELECT p.* FROM project_memberships m JOIN projects p ON p.id = m.project_id
                WHERE p.company_id = \(bind: companyID) AND p.active = \(bind: true) AND m.person_id = \(bind: personID)
                ORDER BY p.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map(Project.init(row:))
            return (items, Int(total))
        }
    }
}
