import Foundation

/// Arbitrary JSON carried through Codable, for bodies whose shape is validated by hand (manifests), so the
/// validator sees exactly what the client sent and can name every bad field.
struct AnyJSON: Codable, @unchecked Sendable {
    // @unchecked: `value` only ever holds JSON values (String, NSNumber, Bool, NSNull, [Any], [String: Any])
    // built once at decode time and never mutated afterwards.
    let value: Any

    init(_ value: Any) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { value = NSNull() }
        else if let b = try? container.decode(Bool.self) { value = NSNumber(value: b) }
        else if let i = try? container.decode(Int64.self) { value = NSNumber(value: i) }
        else if let d = try? container.decode(Double.self) { value = NSNumber(value: d) }
        else if let s = try? container.decode(String.self) { value = s }
        else if let a = try? container.decode([AnyJSON].self) { value = a.map(\.value) }
        else if let o = try? container.decode([String: AnyJSON].self) { value = o.mapValues(\.value) }
        else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "unsupported JSON value") }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case let s as String: try container.encode(s)
        case let n as NSNumber where String(cString: n.objCType) == "c": try container.encode(n.boolValue)
        case let n as NSNumber: if n.doubleValue == n.doubleValue.rounded() { try container.encode(n.int64Value) } else { try container.encode(n.doubleValue) }
        case let a as [Any]: try container.encode(a.map(AnyJSON.init))
        case let o as [String: Any]: try container.encode(o.mapValues(AnyJSON.init))
        default: try container.encodeNil()
        }
    }
}
