import Foundation
import GatehouseCore
import SQLKit

extension SQLStore: FormSubmissionStore {
    /// One insert; the primary key decides between two nodes or two concurrent posts.
    public func claimForm(key: String, at now: Date) async throws -> FormClaim {
        try await database.withWriter { db in
            let inserted = try await db.raw("""
                INSERT INTO form_submissions (form_key, location, created_at) VALUES (\(bind: key), NULL, \(bind: now.unixSeconds))
                ON CONFLICT (form_key) DO NOTHING RETURNING form_key
                """).all()
            if !inserted.isEmpty { return .first }
            let row = try await db.raw("SELECT location FROM form_submissions WHERE form_key = \(bind: key)").first()
            return .repeated(location: try row?.optionalString("location"))
        }
    }

    public func recordFormResult(key: String, location: String?) async throws {
        try await database.withWriter { db in
            if let location {
                try await db.raw("UPDATE form_submissions SET location = \(bind: location) WHERE form_key = \(bind: key)").run()
            } else {
                // The post did nothing (it was refused): the same form may be sent again once corrected.
                try await db.raw("DELETE FROM form_submissions WHERE form_key = \(bind: key)").run()
            }
        }
    }
}
