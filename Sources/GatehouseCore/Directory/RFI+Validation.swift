import Foundation

/// An RFI as a client submits it, in Procore's wrapped shape (`{"rfi":{"subject","question":{"body"},…}}`).
public struct RFIDraft: Sendable, Decodable {
    public struct Question: Sendable, Decodable {
        public var body: String?
        public init(body: String?) { self.body = body }
    }
    public var subject: String?
    public var question: Question?
    public var rfi_manager_id: Int64?
    public var status: String?

    public static let subjectLength = 1...255

    public init(subject: String? = nil, body: String? = nil, rfiManagerID: Int64? = nil, status: String? = nil) {
        self.subject = subject
        self.question = body.map { Question(body: $0) }
        self.rfi_manager_id = rfiManagerID
        self.status = status
    }

    /// The fields of a new RFI; the manager's directory membership needs the store and is checked by the
    /// service.
    public func validatedForCreate() throws(ValidationError) -> (subject: String, body: String) {
        var errors: [String: String] = [:]
        let subject = requiredName(subject, maxLength: Self.subjectLength.upperBound).value(for: "rfi.subject", into: &errors)
        let body = cleaned(question?.body)
        if body == nil { errors["rfi.question.body"] = "is required" }
        if let status, !RFI.statuses.contains(status) { errors["rfi.status"] = "must be one of \(RFI.statuses.joined(separator: ", "))" }
        guard errors.isEmpty, let subject, let body else { throw ValidationError("invalid rfi", fields: errors) }
        return (subject, body)
    }

    /// Applies the present fields to an existing RFI.
    public func applied(to rfi: RFI, at now: Date) throws(ValidationError) -> RFI {
        var rfi = rfi
        var errors: [String: String] = [:]
        if let subject, let s = requiredName(subject, maxLength: Self.subjectLength.upperBound).value(for: "rfi.subject", into: &errors) {
            rfi.subject = s
        }
        if let question {
            if let b = cleaned(question.body) { rfi.questionBody = b } else { errors["rfi.question.body"] = "must not be empty" }
        }
        if let status {
            if RFI.statuses.contains(status) { rfi.status = status } else { errors["rfi.status"] = "must be one of \(RFI.statuses.joined(separator: ", "))" }
        }
        if let manager = rfi_manager_id { rfi.rfiManagerID = manager }
        guard errors.isEmpty else { throw ValidationError("invalid rfi", fields: errors) }
        rfi.updatedAt = now
        return rfi
    }
}
