import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: TemplateStore {
    public func createTemplate(companyID: Int64, name: String, projectID: Int64?, levels: ToolLevels) async throws -> PermissionTemplate {
        let now = clock.now.unixSeconds
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
            try await Self.replaceLevels(levels, of: .template(id: id), on: db)
            return id
        }
        return PermissionTemplate(id: id, companyID: companyID, name: name, projectID: projectID, levels: levels)
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
            try await db.raw("UPDATE permission_templates SET name = \(bind: template.name), updated_at = \(bind: clock.now.unixSeconds) WHERE id = \(bind: template.id) AND company_id = \(bind: template.companyID)").run()
            try await Self.replaceLevels(template.levels, of: .template(id: template.id), on: db)
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
