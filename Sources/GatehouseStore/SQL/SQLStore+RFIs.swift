import Foundation
import GatehouseCore
import SQLKit

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
