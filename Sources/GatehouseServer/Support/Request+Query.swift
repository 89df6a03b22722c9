import Foundation
import GatehouseCore
import Hummingbird

extension Request {
    /// An optional integer query parameter. Absent is nil; present but not an integer of at least `minimum` is a
    /// 400 naming the parameter, so `?company_id=` never silently means "no filter".
    func queryInteger(_ name: String, minimum: Int64) throws -> Int64? {
        guard let raw = uri.queryParameters[name[...]] else { return nil }
        guard let number = Int64(raw), number >= minimum else {
            throw APIError.badRequest("\(name) must be an integer of at least \(minimum)", code: "invalid_parameter",
                                      fields: [name: "must be an integer of at least \(minimum)"])
        }
        return number
    }
}

extension Request {
    /// An optional time query parameter: ISO 8601 (`2026-11-30T08:00:00Z`) or Unix seconds. Anything else is a 400.
    func queryTime(_ name: String) throws -> Date? {
        guard let raw = uri.queryParameters[name[...]] else { return nil }
        if let seconds = Int64(raw), seconds >= 0 { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: String(raw)) { return date }
        throw APIError.badRequest("\(name) must be an ISO 8601 time or Unix seconds", code: "invalid_parameter",
                                  fields: [name: "must be an ISO 8601 time or Unix seconds"])
    }
}

extension Request {
    /// Whether the URL carries an encoded NUL (`%00`) anywhere. No identifier, filter or search term may hold one:
    /// PostgreSQL cannot store or compare the character, and SQLite would cut the text at it. Refused once, before
    /// routing, so that no parameter on any door can reach the store with it.
    var urlHasEncodedNUL: Bool {
        let bytes = uri.string.utf8
        var index = bytes.startIndex
        while let percent = bytes[index...].firstIndex(of: UInt8(ascii: "%")) {
            let rest = bytes[bytes.index(after: percent)...]
            if rest.starts(with: "00".utf8) { return true }
            index = bytes.index(after: percent)
        }
        return false
    }
}
