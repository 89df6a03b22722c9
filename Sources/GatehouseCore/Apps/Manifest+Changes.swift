/// What an upgrade changes in what an app may do, for the admin who confirms it.
public struct PermissionChange: Sendable, Equatable {
    public enum Scope: String, Sendable { case company, project }
    public var scope: Scope
    public var tool: Tool
    public var from: PermissionLevel
    public var to: PermissionLevel

    /// A raise grants more than before; anything else takes something away.
    public var isRaise: Bool { to > from }
}

extension Manifest {
    /// Every tool whose requested level differs between this manifest and `newer`, company tools first.
    public func changes(to newer: Manifest) -> [PermissionChange] {
        var changes: [PermissionChange] = []
        for (scope, old, new) in [(PermissionChange.Scope.company, companyLevels, newer.companyLevels), (.project, projectLevels, newer.projectLevels)] {
            for tool in ToolCatalog.all where old[tool] != new[tool] {
                changes.append(PermissionChange(scope: scope, tool: tool, from: old[tool], to: new[tool]))
            }
        }
        return changes
    }
}
