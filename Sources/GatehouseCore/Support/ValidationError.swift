/// A rejected input, with a message safe to show and the offending fields by path.
///
/// Core rules throw this; each HTTP surface maps it to its own wire shape (422 with `fields`).
public struct ValidationError: Error, Sendable, Equatable {
    public var message: String
    public var fields: [String: String]

    public init(_ message: String, fields: [String: String] = [:]) {
        self.message = message
        self.fields = fields
    }
}
