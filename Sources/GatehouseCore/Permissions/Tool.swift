/// A tool from the fixed catalog. Tools are identified by a stable key (`rfi`, `directory`, …).
public struct Tool: Sendable, Hashable, Identifiable {
    /// Where a tool's level may be set: on the company directory entry, on a project membership, or both.
    public struct Scope: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let company = Scope(rawValue: 1)
        public static let project = Scope(rawValue: 2)
        public static let both: Scope = [.company, .project]
    }

    /// Stable numeric id, as Procore exposes one in `/settings/permissions`.
    public let id: Int
    public let key: String
    public let friendlyName: String
    public let scope: Scope
    public let allowedLevels: [PermissionLevel]

    public func allows(_ level: PermissionLevel) -> Bool { allowedLevels.contains(level) }
}

extension Tool {
    static let allLevels: [PermissionLevel] = [.none, .readonly, .standard, .admin]

    public static let admin = Tool(id: 1, key: "admin", friendlyName: "Admin", scope: .both, allowedLevels: [.none, .admin])
    public static let directory = Tool(id: 2, key: "directory", friendlyName: "Directory", scope: .both, allowedLevels: allLevels)
    public static let documents = Tool(id: 3, key: "documents", friendlyName: "Documents", scope: .both, allowedLevels: allLevels)
    public static let portfolio = Tool(id: 4, key: "portfolio", friendlyName: "Portfolio", scope: .company, allowedLevels: allLevels)
    public static let permissions = Tool(id: 5, key: "permissions", friendlyName: "Permissions", scope: .company, allowedLevels: [.none, .readonly, .admin])
    public static let rfi = Tool(id: 6, key: "rfi", friendlyName: "RFIs", scope: .project, allowedLevels: allLevels)
    public static let submittals = Tool(id: 7, key: "submittals", friendlyName: "Submittals", scope: .project, allowedLevels: allLevels)
    public static let budgeting = Tool(id: 8, key: "budgeting", friendlyName: "Budget", scope: .project, allowedLevels: allLevels)
    public static let dailyLog = Tool(id: 9, key: "daily_log", friendlyName: "Daily Log", scope: .project, allowedLevels: allLevels)
    public static let schedule = Tool(id: 10, key: "schedule", friendlyName: "Schedule", scope: .both, allowedLevels: allLevels)
}
