/// A storage-level refusal with a stable code. Surfaces map the code to their status (404, 409, 422).
public struct StoreError: Error, Sendable, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public static let notFound = Code(rawValue: "not_found")
        public static let conflict = Code(rawValue: "conflict")
        public static let invalid = Code(rawValue: "invalid")
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

    public static func notFound(_ what: String) -> StoreError { StoreError(.notFound, "\(what) not found") }
}
