/// A new traditional service account as a door submits it.
public struct ServiceAccountDraft: Sendable, Decodable {
    public var name: String?
    public var app_type: String?
    public var app_id: Int64?

    public init(name: String? = nil, app_type: String? = nil, app_id: Int64? = nil) {
        self.name = name
        self.app_type = app_type
        self.app_id = app_id
    }

    public static let nameLength = 1...100

    public func validated() throws(ValidationError) -> (name: String, appType: ServiceAccount.AppType, appID: Int64?) {
        var fields: [String: String] = [:]
        let name = requiredName(name, maxLength: Self.nameLength.upperBound).value(for: "name", into: &fields)
        let appType = ServiceAccount.AppType(rawValue: app_type ?? "custom")
        if appType == nil { fields["app_type"] = "must be custom or marketplace" }
        if appType == .marketplace, app_id == nil { fields["app_id"] = "is required for a marketplace account" }
        // A custom account is the company's own integration: it names no app. An id sent with it would be stored
        // and refer to nothing (or to someone else's app), so it is refused rather than ignored.
        if appType == .custom, app_id != nil { fields["app_id"] = "must be absent for a custom account: a custom account names no app" }
        guard fields.isEmpty, let name, let appType else { throw ValidationError("invalid service account", fields: fields) }
        return (name, appType, app_id)
    }
}

/// How long the previous secret keeps working after a rotation: a day by default, a month at most.
public enum SecretRotation {
    public static let defaultOverlap = 86_400
    public static let maximumOverlap = 30 * 86_400

    public static func overlap(_ requested: Int?) throws(ValidationError) -> Int {
        let keep = requested ?? defaultOverlap
        guard (0...maximumOverlap).contains(keep) else {
            throw ValidationError("previous_expires_in must be 0 to \(maximumOverlap) seconds", fields: ["previous_expires_in": "must be 0 to \(maximumOverlap)"])
        }
        return keep
    }
}
