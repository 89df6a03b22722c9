import Foundation

/// An app version's manifest, reduced to what Gatehouse acts on: whether it is a DMSA (its data connector
/// uses service-account authentication) and the company- and project-level permissions it requests.
public struct Manifest: Sendable, Equatable {
    public static let supportedSchemaVersions: Set<String> = ["4.0", "4.1"]

    public var schemaVersion: String
    public var isServiceAccount: Bool
    public var companyLevels: ToolLevels
    public var projectLevels: ToolLevels

    public init(schemaVersion: String, isServiceAccount: Bool, companyLevels: ToolLevels, projectLevels: ToolLevels) {
        self.schemaVersion = schemaVersion
        self.isServiceAccount = isServiceAccount
        self.companyLevels = companyLevels
        self.projectLevels = projectLevels
    }

    /// Canonical JSON for storage, so a stored manifest always parses back to the same value.
    public var json: String {
        func levels(_ l: ToolLevels) -> [String: String] { l.levels.filter { $0.value != .none }.mapValues(\.rawValue) }
        let object: [String: Any] = [
            "schema_version": schemaVersion,
            "components": ["data_connector": ["service_account": isServiceAccount]],
            "permissions": ["company": levels(companyLevels), "project": levels(projectLevels)],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// A semantic version (`MAJOR.MINOR.PATCH`, optional pre-release), ordered as semver orders them.
public struct SemanticVersion: Sendable, Comparable, CustomStringConvertible {
    public let major: Int, minor: Int, patch: Int
    public let prerelease: String?

    public init?(_ text: String) {
        let core = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = core.first.map { $0.split(separator: ".", omittingEmptySubsequences: false) } ?? []
        guard numbers.count == 3,
              let major = Int(numbers[0]), let minor = Int(numbers[1]), let patch = Int(numbers[2]),
              major >= 0, minor >= 0, patch >= 0,
              numbers.allSatisfy({ $0 == "0" || !$0.hasPrefix("0") })
        else { return nil }
        self.major = major; self.minor = minor; self.patch = patch
        self.prerelease = core.count == 2 ? String(core[1]) : nil
        if let prerelease {
            let identifiers = prerelease.split(separator: ".", omittingEmptySubsequences: false)
            guard identifiers.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }),
                  identifiers.allSatisfy({ Int($0) == nil || $0 == "0" || !$0.hasPrefix("0") })
            else { return nil }
        }
    }

    public var description: String { "\(major).\(minor).\(patch)" + (prerelease.map { "-\($0)" } ?? "") }

    public static func < (a: Self, b: Self) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        switch (a.prerelease, b.prerelease) {
        case (nil, nil): return false
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?): return precedes(x, y)
        }
    }

    /// Semver §11.4: dot-separated identifiers compared left to right; numeric ones numerically, and below
    /// alphanumeric ones; a shorter list that is a prefix of the other comes first. So `alpha.2 < alpha.10`.
    static func precedes(_ x: String, _ y: String) -> Bool {
        let left = x.split(separator: "."), right = y.split(separator: ".")
        for (l, r) in zip(left, right) where l != r {
            switch (Int(l), Int(r)) {
            case let (a?, b?): return a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return l < r
            }
        }
        return left.count < right.count
    }
}
