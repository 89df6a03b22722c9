/// A company-owned map of tool → level, either global (any project) or specific to one project.
public struct PermissionTemplate: Sendable, Equatable {
    public var id: Int64
    public var companyID: Int64
    public var name: String
    /// Nil for a global template.
    public var projectID: Int64?
    public var levels: ToolLevels

    public init(id: Int64, companyID: Int64, name: String, projectID: Int64?, levels: ToolLevels) {
        self.id = id
        self.companyID = companyID
        self.name = name
        self.projectID = projectID
        self.levels = levels
    }

    public var isGlobal: Bool { projectID == nil }
}
