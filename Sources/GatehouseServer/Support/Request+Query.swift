import Foundation
import GatehouseCore
import Hummingbird

/// The one way any door reads a number from a request: a query parameter, a path segment, a form field or a
/// header. Every reader of request numbers goes through ``RequestNumber/parse(_:)``, so no door converts text
/// with `Int(_:)` of its own, and no value from a request reaches arithmetic that could trap.
enum RequestNumber {
    /// What a piece of request text says as an integer.
    enum Parsed: Equatable, Sendable {
        /// A decimal integer that fits in 64 bits.
        case integer(Int64)
        /// A decimal integer too large for 64 bits (`99999999999999999999999`): a reader may clamp it.
        case tooLarge
        /// A decimal integer too small for 64 bits.
        case tooSmall
        /// Not a decimal integer at all: empty, `1e309`, `NaN`, `12abc`, ` 7`.
        case notANumber
    }

    /// ASCII digits with an optional leading sign, nothing else: no spaces, no exponent, no `0x`.
    static func parse(_ text: some StringProtocol) -> Parsed {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return .notANumber }
        var value: Int64 = 0
        for byte in utf8 {
            let digit = Int64(byte &- UInt8(ascii: "0"))
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if o1 || o2 { return negative ? .tooSmall : .tooLarge }
            value = next
        }
        return .integer(value)
    }

    /// An id (path segment, form field, header): a positive 64-bit integer, or nil for anything else. An id
    /// that cannot exist is "not found" to the caller, never a crash or a store error.
    static func id(_ text: some StringProtocol) -> Int64? {
        guard case .integer(let value) = parse(text), value > 0 else { return nil }
        return value
    }

    /// An optional integer form field, read whole: absent is nil; past 64 bits it saturates, so the operation's
    /// own range check refuses it with its usual message; anything that is not an integer is a 400 naming it.
    static func field(_ name: String, _ raw: String?) throws -> Int64? {
        guard let raw else { return nil }
        switch parse(raw) {
        case .integer(let value): return value
        case .tooLarge: return .max
        case .tooSmall: return .min
        case .notANumber: throw QueryReader.invalid(name, "an integer")
        }
    }

    /// The first and last instants a time bound may name: years 1970 to 9999. Beyond them a date cannot be
    /// stored as Unix seconds on both engines, nor printed as ISO 8601 with four-digit years.
    static let earliest = Date(timeIntervalSince1970: 0)
    static let latest = Date(timeIntervalSince1970: 253_402_300_799)   // 9999-12-31T23:59:59Z
}

/// A request's query string, read by name: integers within a range, clamped page numbers and sizes, time
/// bounds and ids. Every problem is an ``APIError`` 400 whose message and `fields` name the parameter; the
/// console shows the same message on its page or beside its field.
struct QueryReader: Sendable {
    let parameters: [Substring: Substring]
    /// Names given more than once (`?per_page=&per_page=7`). Every parameter Gatehouse reads is a single value,
    /// so reading one of these is a 400: taking the first or the last would answer a question nobody asked.
    let repeated: Set<Substring>

    init(_ request: Request) {
        var parameters: [Substring: Substring] = [:]
        var repeated: Set<Substring> = []
        for (key, value) in request.uri.queryParameters {
            if parameters[key] == nil { parameters[key] = value } else { repeated.insert(key) }
        }
        self.parameters = parameters
        self.repeated = repeated
    }

    /// The one value of `name`, or nil when absent; a 400 naming it when it is given more than once.
    private func single(_ name: String) throws -> Substring? {
        guard let value = parameters[name[...]] else { return nil }
        if repeated.contains(name[...]) { throw Self.invalid(name, "given once") }
        return value
    }

    /// An optional text parameter (a filter or a search term), given at most once.
    func text(_ name: String) throws -> String? { try single(name).map(String.init) }

    /// `true` or `false`, as the OpenAPI document's booleans are written; anything else is a 400 naming the parameter.
    func bool(_ name: String) throws -> Bool? {
        guard let raw = try single(name) else { return nil }
        switch raw {
        case "true": return true
        case "false": return false
        default: throw Self.invalid(name, "true or false")
        }
    }

    func contains(_ name: String) -> Bool { parameters[name[...]] != nil }

    /// An optional integer in `range`. Absent is nil; anything else outside the range, or not an integer, is a
    /// 400 naming the parameter, so `?company_id=` never silently means "no filter".
    func integer(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let raw = try single(name) else { return nil }
        guard case .integer(let value) = RequestNumber.parse(raw), range.contains(value) else {
            throw Self.invalid(name, Self.describe(range))
        }
        return value
    }

    /// An integer with a default, at least `range.lowerBound`; above `range.upperBound` (however far, even past
    /// 64 bits) it is clamped to it. Page numbers and sizes read this way: a page past the end is an empty page.
    func clamped(_ name: String, in range: ClosedRange<Int64>, default value: Int64) throws -> Int64 {
        guard let raw = try single(name) else { return value }
        switch RequestNumber.parse(raw) {
        case .integer(let number) where number >= range.lowerBound: return min(number, range.upperBound)
        case .tooLarge: return range.upperBound
        default: throw Self.invalid(name, "an integer of at least \(range.lowerBound)")
        }
    }

    /// An optional time bound: ISO 8601 (`2026-11-30T08:00:00Z`), the console's `datetime-local` form
    /// (`2026-11-30T08:00`, UTC) or Unix seconds, in the years 1970 to 9999. Anything else is a 400.
    func time(_ name: String) throws -> Date? {
        guard let raw = try single(name) else { return nil }
        let date: Date?
        switch RequestNumber.parse(raw) {
        case .integer(let seconds):
            date = seconds >= 0 && seconds <= RequestNumber.latest.unixSeconds ? Date(timeIntervalSince1970: TimeInterval(seconds)) : nil
        case .tooLarge, .tooSmall:
            date = nil
        case .notANumber:
            date = Self.iso8601(String(raw))
        }
        guard let date, date >= RequestNumber.earliest, date <= RequestNumber.latest else {
            throw Self.invalid(name, "an ISO 8601 time or Unix seconds, in the years 1970 to 9999")
        }
        return date
    }

    private static func iso8601(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let local = ISO8601DateFormatter()
        local.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return local.date(from: text) ?? local.date(from: text + ":00")
    }

    private static func describe(_ range: ClosedRange<Int64>) -> String {
        range.upperBound == .max ? "an integer of at least \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)"
    }

    static func invalid(_ name: String, _ expected: String) -> APIError {
        APIError.badRequest("\(name) must be \(expected)", code: "invalid_parameter", fields: [name: "must be \(expected)"])
    }
}

extension Request {
    /// The query string's reader; see ``QueryReader``.
    var query: QueryReader { QueryReader(self) }
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
