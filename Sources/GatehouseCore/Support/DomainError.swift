/// A refusal by a rule or an operation, with a stable code that every door maps to its own wire shape
/// (the admin API to a status and `{"error":{…}}`, the console to a page or a flash message).
///
/// Field validation keeps its own ``ValidationError`` (always 422); this type carries the rest: a thing that
/// does not exist for the caller, a caller that may not act, and a state that forbids the change.
public struct DomainError: Error, Sendable, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public static let notFound = Code(rawValue: "not_found")
        public static let forbidden = Code(rawValue: "forbidden")
        public static let conflict = Code(rawValue: "conflict")
        public static let invalid = Code(rawValue: "validation_failed")
        /// The input could not be read at all (not JSON, not the expected document).
        public static let malformed = Code(rawValue: "invalid_json")
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public var fields: [String: String]

    public init(_ code: Code, _ message: String, fields: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.fields = fields
    }

    public static func notFound(_ what: String) -> DomainError { DomainError(.notFound, "\(what) not found") }
    public static func forbidden(_ message: String) -> DomainError { DomainError(.forbidden, message) }
    public static func conflict(_ message: String, fields: [String: String] = [:]) -> DomainError { DomainError(.conflict, message, fields: fields) }
}
