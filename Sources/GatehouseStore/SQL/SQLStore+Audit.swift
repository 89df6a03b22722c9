import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: AuditStore {
    /// Waits until the row is durable, sharing the commit with every row submitted meanwhile (``GroupCommit``).
    public func append(_ e: AuditEntry) async throws {
        // Inside ``SQLStore/atomically(_:)`` the row belongs to the transaction: it commits or rolls back with
        // what it records, and the group writer (another task) could not reach the scope's connection anyway.
        if Database.scope != nil { return try await Self.insert([e], into: database) }
        try await auditCommits.submit(e)
    }

    /// One multi-row INSERT: atomic on both engines, so a batch is written whole or not at all.
    static func insert(_ entries: [AuditEntry], into database: Database) async throws {
        var query = SQLQueryString("INSERT INTO audit_log (company_id, at, actor, action, target, outcome, detail, remote_address, request_id) VALUES ")
        for (i, e) in entries.enumerated() {
            query.appendLiteral(i == 0 ? "(" : ", (")
            query.appendInterpolation(bind: e.companyID); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.at.unixSeconds); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.actor); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.action); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.target); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.outcome); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.detail); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.remoteAddress); query.appendLiteral(", ")
            query.appendInterpolation(bind: e.requestID); query.appendLiteral(")")
        }
        let statement = query
        try await database.withWriter { db in try await db.raw(statement).run() }
    }

    public func auditEntries(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> (items: [AuditEntry], total: Int) {
        var conditions = SQLQueryString("1 = 1")
        if let company = filter.companyID { conditions.appendLiteral(" AND company_id = "); conditions.appendInterpolation(bind: company) }
        if let actor = filter.actor { conditions.appendLiteral(" AND actor = "); conditions.appendInterpolation(bind: actor) }
        if let action = filter.action { conditions.appendLiteral(" AND action = "); conditions.appendInterpolation(bind: action) }
        if let target = filter.target {
            conditions.appendLiteral(" AND (target = "); conditions.appendInterpolation(bind: target)
            conditions.appendLiteral(" OR target LIKE "); conditions.appendInterpolation(bind: Self.likePrefix(target) + "/%")
            conditions.appendLiteral(" ESCAPE '\\'")
            for related in filter.relatedTargets {
                conditions.appendLiteral(" OR target = "); conditions.appendInterpolation(bind: related)
                conditions.appendLiteral(" OR target LIKE "); conditions.appendInterpolation(bind: "%/" + Self.likePrefix(related))
                conditions.appendLiteral(" ESCAPE '\\'")
            }
            conditions.appendLiteral(")")
        }
        if let part = filter.actorMatching {
            conditions.appendLiteral(" AND (LOWER(actor) LIKE "); conditions.appendInterpolation(bind: "%" + Self.likePrefix(part.lowercased()) + "%")
            conditions.appendLiteral(" ESCAPE '\\'")
            for actor in filter.actorsNamed.prefix(500) {
                conditions.appendLiteral(" OR actor = "); conditions.appendInterpolation(bind: actor)
            }
            conditions.appendLiteral(")")
        }
        if let part = filter.actionMatching {
            conditions.appendLiteral(" AND LOWER(action) LIKE "); conditions.appendInterpolation(bind: "%" + Self.likePrefix(part.lowercased()) + "%")
            conditions.appendLiteral(" ESCAPE '\\'")
        }
        if let outcome = filter.outcome { conditions.appendLiteral(" AND outcome = "); conditions.appendInterpolation(bind: outcome) }
        if let since = filter.since { conditions.appendLiteral(" AND at >= "); conditions.appendInterpolation(bind: since.unixSeconds) }
        if let until = filter.until { conditions.appendLiteral(" AND at <= "); conditions.appendInterpolation(bind: until.unixSeconds) }
        let whereClause = conditions
        return try await database.withConnection { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(whereClause)").first()?.int("n") ?? 0
            let items = try await db.raw("SELECT * FROM audit_log WHERE \(whereClause) ORDER BY id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)").all().map { row in
                AuditEntry(
                    id: try row.int("id"), companyID: try row.optionalInt("company_id"), at: try row.date("at"), actor: try row.string("actor"),
                    action: try row.string("action"), target: try row.optionalString("target"), outcome: try row.string("outcome"),
                    detail: try row.optionalString("detail"), remoteAddress: try row.optionalString("remote_address"),
                    requestID: try row.optionalString("request_id")
                )
            }
            return (items, Int(total))
        }
    }

    /// Escapes `%`, `_` and the escape character itself for a LIKE prefix.
    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
