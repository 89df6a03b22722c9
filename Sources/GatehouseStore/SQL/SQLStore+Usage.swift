import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: UsageStore {
    /// One multi-row upsert per batch, rows in one order on every node (so two nodes' batches cannot deadlock).
    /// `ON CONFLICT … DO UPDATE` adds the counts on SQLite and PostgreSQL alike.
    public func addPermissionUse(_ counts: [PermissionUseCount]) async throws {
        guard !counts.isEmpty else { return }
        let ordered = counts.sorted { $0.sortKey < $1.sortKey }
        try await database.withWriter { db in
            // Chunks keep each statement under SQLite's bound-parameter limit (8 per row).
            for start in stride(from: 0, to: ordered.count, by: 500) {
                var query = SQLQueryString("INSERT INTO permission_use (person_id, company_id, project_id, tool, level, day, calls, last_used_at) VALUES ")
                for (i, count) in ordered[start..<min(start + 500, ordered.count)].enumerated() {
                    query.appendLiteral(i == 0 ? "(" : ", (")
                    query.appendInterpolation(bind: count.personID)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.companyID)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.projectID ?? 0)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.tool)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.level.rawValue)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.day)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.calls)
                    query.appendLiteral(", ")
                    query.appendInterpolation(bind: count.lastUsedAt)
                    query.appendLiteral(")")
                }
                query.appendLiteral("""
                     ON CONFLICT (person_id, company_id, project_id, tool, level, day) DO UPDATE SET
                    calls = permission_use.calls + excluded.calls,
                    last_used_at = CASE WHEN excluded.last_used_at > permission_use.last_used_at THEN excluded.last_used_at ELSE permission_use.last_used_at END
                    """)
                try await db.raw(query).run()
            }
        }
    }

    public func permissionUse(companyID: Int64, personID: Int64, fromDay: Int64) async throws -> [UsedGrant] {
        try await database.withConnection { db in
            try await db.raw("""
                SELECT project_id, tool, level, CAST(SUM(calls) AS BIGINT) AS calls, MAX(last_used_at) AS last_used_at FROM permission_use
                WHERE person_id = \(bind: personID) AND company_id = \(bind: companyID) AND day >= \(bind: fromDay)
                GROUP BY project_id, tool, level ORDER BY project_id, tool, level
                """).all().compactMap { row -> UsedGrant? in
                // A tool this version no longer knows cannot be granted either; skip its rows.
                guard let tool = ToolCatalog.tool(forKey: try row.string("tool")) else { return nil }
                let project = try row.int("project_id")
                return UsedGrant(projectID: project == 0 ? nil : project, tool: tool, level: try Self.decodeEnum(PermissionLevel.self, row, "level"),
                                 calls: try row.int("calls"), lastUsedAt: Date(timeIntervalSince1970: TimeInterval(try row.int("last_used_at"))))
            }
        }
    }

    public func grants(companyID: Int64, personID: Int64) async throws -> Grants? {
        try await database.withConnection { db in
            guard try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil else {
                return nil
            }
            let company = try await Self.levels(db.raw("""
                SELECT tool, level FROM company_permissions WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)
                """).all())
            var memberships: [Grants.Membership] = []
            for row in try await db.raw("""
                SELECT m.project_id, m.permission_template_id FROM project_memberships m JOIN projects p ON p.id = m.project_id
                WHERE p.company_id = \(bind: companyID) AND p.active = \(bind: true) AND m.person_id = \(bind: personID) ORDER BY m.project_id
                """).all() {
                let projectID = try row.int("project_id")
                let templateID = try row.optionalInt("permission_template_id")
                let query: SQLQueryString = if let templateID {
                    "SELECT tool, level FROM template_levels WHERE template_id = \(bind: templateID)"
                } else {
                    "SELECT tool, level FROM membership_levels WHERE project_id = \(bind: projectID) AND person_id = \(bind: personID)"
                }
                let levels = try Self.levels(try await db.raw(query).all())
                memberships.append(.init(projectID: projectID, levels: levels, templateID: templateID))
            }
            return Grants(companyLevels: company, memberships: memberships)
        }
    }

    /// Company levels and every listed membership's explicit levels, in one transaction. A membership given here
    /// becomes explicit (its template is dropped); one that no longer exists is skipped, not recreated.
    public func replaceGrants(companyID: Int64, personID: Int64, with grants: Grants) async throws {
        try await database.transaction { db in
            guard try await db.raw("SELECT person_id FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)").first() != nil else {
                throw StoreError.notFound("directory entry")
            }
            try await Self.replaceLevels(grants.companyLevels, of: .company(companyID: companyID, personID: personID), on: db)
            for membership in grants.memberships {
                let updated = try await db.raw("""
                    UPDATE project_memberships SET permission_template_id = \(bind: membership.templateID)
                    WHERE project_id = \(bind: membership.projectID) AND person_id = \(bind: personID)
                      AND project_id IN (SELECT id FROM projects WHERE company_id = \(bind: companyID))
                    RETURNING project_id
                    """).all()
                guard !updated.isEmpty else { continue }
                if membership.templateID == nil {
                    try await Self.replaceLevels(membership.levels, of: .membership(projectID: membership.projectID, personID: personID), on: db)
                }
            }
        }
    }

    /// When counting began for this contact in this company: the later of the day the `permission_use` table was
    /// created and the day the contact joined the directory.
    public func usageRecordedSince(companyID: Int64, personID: Int64) async throws -> Date? {
        try await database.withConnection { db in
            guard let joined = try await db.raw("""
                SELECT created_at FROM directory_entries WHERE company_id = \(bind: companyID) AND person_id = \(bind: personID)
                """).first()?.int("created_at") else { return nil }
            let began = try await db.raw("SELECT applied_at FROM schema_migrations WHERE version = 11").first()?.int("applied_at") ?? joined
            return Date(timeIntervalSince1970: TimeInterval(max(joined, began)))
        }
    }
}
