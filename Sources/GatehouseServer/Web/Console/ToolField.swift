import GatehouseCore

/// One tool's level picker, as `partial-tool-field.mustache` renders it: a label and a select of the levels the
/// tool allows. Every console form that sets levels (an account's company permissions, a project membership's
/// explicit levels, permission templates, the manifest builder) builds its fields here, so the markup, the
/// level names and the field names are the same everywhere. A typed view, so a misnamed value fails to compile
/// instead of rendering an empty select.
struct ToolField: Encodable, Sendable {
    struct Option: Encodable, Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// The element id, a test hook: `tool-admin`, `level-rfi`, `ptool-rfi`, `company-tool-admin`.
    let id: String
    /// The form field's name: `tool[admin]`, `level[rfi]`, `company_tool[admin]`.
    let field: String
    let label: String
    let options: [Option]
    /// The builder's `data-manifest` scope (`company`, `project`), read by its script; nil elsewhere.
    let manifest: String?
    /// A message under the select, for the builder's manifest errors.
    let error: String?

    /// The fields of every tool in `scope`. `id` and `field` are prefixes (`tool-`, `tool`): the field's name is
    /// `field[key]`. `selected` picks each tool's current level (none when nil).
    static func fields(_ scope: Tool.Scope, id: String, field: String, manifest: String? = nil,
                       selected: (Tool) -> PermissionLevel? = { _ in nil }, error: (Tool) -> String? = { _ in nil }) -> [ToolField] {
        ToolCatalog.tools(in: scope).map { tool in
            let current = selected(tool) ?? .none
            return ToolField(id: id + tool.key, field: "\(field)[\(tool.key)]", label: tool.friendlyName,
                             options: tool.allowedLevels.map { Option(value: $0.rawValue, label: $0.displayName, selected: $0 == current) },
                             manifest: manifest, error: error(tool))
        }
    }
}
