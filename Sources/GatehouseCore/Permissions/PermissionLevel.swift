/// A tool permission level, spelled as in Procore manifests.
///
/// The order matters: every gate compares levels, so `Comparable` follows the raw order
/// `none < readonly < standard < admin`.
public enum PermissionLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case none
    case readonly
    case standard
    case admin

    /// Procore's numeric id for the level, used in `user_access_level` bodies.
    public var rank: Int {
        switch self {
        case .none: 0
        case .readonly: 1
        case .standard: 2
        case .admin: 3
        }
    }

    /// The capitalised name Procore shows in `user_access_level.name`.
    public var displayName: String {
        switch self {
        case .none: "None"
        case .readonly: "Read Only"
        case .standard: "Standard"
        case .admin: "Admin"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
