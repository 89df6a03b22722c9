import Foundation
import GatehouseCore
import SQLKit

/// Where a set of tool levels is stored. The three tables share one shape (owner columns, `tool`, `level`),
/// so one writer serves them all.
enum LevelOwner {
    case company(companyID: Int64, personID: Int64)
    case template(id: Int64)
    case membership(projectID: Int64, personID: Int64)

    var table: String {
        switch self {
        case .company: "company_permissions"
        case .template: "template_levels"
        case .membership: "membership_levels"
        }
    }

    /// The owner's key columns and values, in insert order.
    var keys: [(column: String, value: Int64)] {
        switch self {
        case .company(let c, let p): [("company_id", c), ("person_id", p)]
        case .template(let id): [("template_id", id)]
        case .membership(let project, let person): [("project_id", project), ("person_id", person)]
        }
    }
}

extension SQLStore {
    /// Replaces every level of one owner. `none` is the absence of a row, so "back to none" and "never
    /// granted" read the same. Callers run it inside their transaction.
    static func replaceLevels(_ levels: ToolLevels, of owner: LevelOwner, on db: any SQLDatabase) async throws {
        let keys = owner.keys
        var delete = SQLQueryString("DELETE FROM \(unsafeRaw: owner.table) WHERE ")
        for (i, key) in keys.enumerated() {
            delete.appendInterpolation(unsafeRaw: i == 0 ? "" : " AND ")
            delete.appendInterpolation(unsafeRaw: key.column)
            delete.appendLiteral(" = ")
            delete.appendInterpolation(bind: key.value)
        }
        try await db.raw(delete).run()
        let columns = keys.map(\.column).joined(separator: ", ")
        for (tool, level) in levels.levels.sorted(by: { $0.key < $1.key }) where level != .none {
            var insert = SQLQueryString("INSERT INTO \(unsafeRaw: owner.table) (\(unsafeRaw: columns), tool, level) VALUES (")
            for key in keys {
                insert.appendInterpolation(bind: key.value)
                insert.appendLiteral(", ")
            }
            insert.appendInterpolation(bind: tool)
            insert.appendLiteral(", ")
            insert.appendInterpolation(bind: level.rawValue)
            insert.appendLiteral(")")
            try await db.raw(insert).run()
        }
    }

    /// The projects of one company that a person is a member of, ordered by id.
    static func memberProjectIDs(companyID: Int64, personID: Int64, on db: any SQLDatabase) async throws -> [Int64] {
        try await db.raw("""
            SELECT m.project_id FROM project_memberships m JOIN projects p ON p.id = m.project_id
            WHERE m.person_id = \(bind: personID) AND p.company_id = \(bind: companyID) ORDER BY m.project_id
            """).all().map { try $0.int("project_id") }
    }

    /// Reads a stored enum value, refusing what this version does not know: a defaulted value could turn a
    /// corrupted contact row into a user who may log in.
    static func decodeEnum<T: RawRepresentable>(_ type: T.Type, _ row: any SQLRow, _ column: String) throws -> T where T.RawValue == String {
        let raw = try row.string(column)
        guard let value = T(rawValue: raw) else {
            throw StoreError(.invalid, "stored \(column) '\(raw)' is not a known \(T.self)")
        }
        return value
    }
}
