/// An optional that is always on the wire: `null` when absent, never a missing key.
///
/// Procore sends every key of a body, `null` included, and clients index into them: its SDKs, and clients
/// generated from the OpenAPI document, which lists every key as required. Swift's synthesized `Encodable`
/// leaves a nil optional out, so a body marks such a property `@Nullable` instead of writing an
/// `encode(to:)` by hand that names every key (fourteen of them did, and a key added later was easy to miss).
@propertyWrapper
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
