import GatehouseCore

/// A response body that writes its own JSON: the bytes `JSONResponse.encoder` writes for it, without the encoder.
///
/// Foundation's `JSONEncoder` boxes every value into a tree and walks it through generic containers: it was
/// 3.6 % of token issuance, 4.9 % of `/me` and 8 % of a project listing in the profile (bench/RESULTS.md). The
/// bodies of the calls integrations make most write themselves instead, keys in the encoder's sorted order.
/// `Encodable` stays the shape's definition: `JSONBodyTests` holds every conforming type to the encoder's bytes
/// for the same values, so the two cannot drift apart.
protocol JSONBody: Encodable {
    func write(to json: inout JSONBuffer)
}

/// Appends JSON to a byte array; commas between members are its business, key order is the caller's.
struct JSONBuffer {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member of the current object or array follows another.
    private var needsComma = false

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// One object; `members` writes its fields.
    mutating func object(_ members: (inout JSONBuffer) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        members(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// One array of bodies.
    mutating func array(_ items: [some JSONBody]) {
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in items {
            separate()
            item.write(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func field(_ key: StaticString, _ value: String) {
        member(key)
        JSONText.appendString(value, to: &bytes)
    }

    mutating func field(_ key: StaticString, _ value: some BinaryInteger) {
        member(key)
        bytes.append(contentsOf: value.description.utf8)
    }

    mutating func field(_ key: StaticString, _ value: Bool) {
        member(key)
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// `null` when absent, as `@Nullable` encodes it (Procore's bodies list every field).
    mutating func field(_ key: StaticString, nullable value: String?) {
        member(key)
        if let value { JSONText.appendString(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    /// Left out when absent, as a synthesized `Encodable` leaves out a nil optional.
    mutating func field(_ key: StaticString, ifPresent value: String?) {
        guard let value else { return }
        field(key, value)
    }

    /// `null` when absent, as `@Nullable` encodes it.
    mutating func field(_ key: StaticString, nullable value: (some JSONBody)?) {
        member(key)
        if let value { value.write(to: &self) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func field(_ key: StaticString, _ value: some JSONBody) {
        member(key)
        value.write(to: &self)
    }

    private mutating func member(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }
}

/// RFC 8259 string escaping as `JSONEncoder` and `JSONSerialization` do it with `.withoutEscapingSlashes`: the
/// quote, the backslash and control characters escaped (the short forms where JSON has one), everything else as
/// its UTF-8 bytes. The one escaper of every JSON text Gatehouse writes by hand: the bodies above, the token's own
/// claims, and the access log's JSON lines (which read like `JSONLogHandler`'s).
enum JSONText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The same, onto text: a value with nothing to escape (a log line's method, path and id, nearly always) is
    /// appended as it is.
    static func appendString(_ value: String, to text: inout String) {
        guard value.utf8.contains(where: needsEscape) else {
            text += "\""
            text += value
            text += "\""
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 8)
        appendString(value, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// Runs of bytes that need no escape are copied whole: a token response is mostly one 500-byte JWT, and
    /// appending it a byte at a time was 5 µs of every issuance.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard needsEscape(byte) else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                appendEscape(byte, to: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
        case 0x08: out.append(contentsOf: #"\b"#.utf8)
        case 0x0C: out.append(contentsOf: #"\f"#.utf8)
        case 0x0A: out.append(contentsOf: #"\n"#.utf8)
        case 0x0D: out.append(contentsOf: #"\r"#.utf8)
        case 0x09: out.append(contentsOf: #"\t"#.utf8)
        default:
            out.append(contentsOf: #"\u00"#.utf8)
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
