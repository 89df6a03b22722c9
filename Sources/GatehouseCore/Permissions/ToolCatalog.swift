/// The fixed catalog of tools. It is data, not configuration: manifests written against
/// Procore name these keys, so they never change at run time.
public enum ToolCatalog {
    public static let all: [Tool] = [
        .admin, .directory, .documents, .portfolio, .permissions,
        .rfi, .submittals, .budgeting, .dailyLog, .schedule,
    ]

    private static let byKey: [String: Tool] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    public static func tool(forKey key: String) -> Tool? { byKey[key] }

    /// Tools whose level can be set at the given scope.
    public static func tools(in scope: Tool.Scope) -> [Tool] { all.filter { $0.scope.isSuperset(of: scope) } }
}

/// A validated map of tool key to level. Construction checks every key and level against the catalog,
/// so a value of this type can be stored without further checks.
public struct ToolLevels: Sendable, Equatable {
    public private(set) var levels: [String: PermissionLevel]

    public init() { self.levels = [:] }

    /// Parses `{"tool": "level"}`, collecting every problem with its field path instead of stopping at the first.
    public init(parsing raw: [String: String], scope: Tool.Scope, fieldPrefix: String = "tools") throws(ValidationError) {
        var levels: [String: PermissionLevel] = [:]
        var fields: [String: String] = [:]
        for (key, value) in raw.sorted(by: { $0.key < $1.key }) {
            let path = "\(fieldPrefix).\(key)"
            guard let tool = ToolCatalog.tool(forKey: key) else {
                fields[path] = "unknown tool '\(key)'"
                continue
            }
            guard tool.scope.isSuperset(of: scope) else {
                fields[path] = "tool '\(key)' cannot be set at \(scope == .company ? "company" : "project") level"
                continue
            }
            guard let level = PermissionLevel(rawValue: value) else {
                fields[path] = "unknown level '\(value)'; use none, readonly, standard or admin"
                continue
            }
            guard tool.allows(level) else {
                fields[path] = "tool '\(key)' does not allow level '\(value)'; allowed: \(tool.allowedLevels.map(\.rawValue).joined(separator: ", "))"
                continue
            }
            levels[key] = level
        }
        if !fields.isEmpty {
            throw ValidationError("invalid tool permissions", fields: fields)
        }
        self.levels = levels
    }

    public init(trusted levels: [String: PermissionLevel]) { self.levels = levels }

    public subscript(tool: Tool) -> PermissionLevel { levels[tool.key] ?? .none }
}
