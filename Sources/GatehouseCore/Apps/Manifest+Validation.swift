import Foundation

extension Manifest {
    /// Validates a manifest as submitted (decoded JSON), collecting every problem with its field path.
    ///
    /// `requireServiceAccount` is true for DMSA versions: the data connector must use service-account
    /// authentication, or there is no contact to install.
    public static func validate(_ object: Any?, requireServiceAccount: Bool = true) throws(ValidationError) -> Manifest {
        var fields: [String: String] = [:]
        guard let root = object as? [String: Any] else {
            throw ValidationError("manifest must be a JSON object", fields: ["manifest": "must be an object"])
        }
        let schema = root["schema_version"] as? String
        if schema == nil {
            fields["manifest.schema_version"] = "is required"
        } else if let schema, !supportedSchemaVersions.contains(schema) {
            fields["manifest.schema_version"] = "unsupported; use one of \(supportedSchemaVersions.sorted().joined(separator: ", "))"
        }
        let components = root["components"] as? [String: Any]
        let connector = components?["data_connector"] as? [String: Any]
        let serviceAccount = connector?["service_account"]
        var isServiceAccount = false
        if components == nil {
            fields["manifest.components"] = "is required"
        } else if connector == nil {
            fields["manifest.components.data_connector"] = "is required"
        } else if let flag = jsonBool(serviceAccount) {
            isServiceAccount = flag
            if requireServiceAccount, !flag { fields["manifest.components.data_connector.service_account"] = "must be true for a developer managed service account" }
        } else {
            fields["manifest.components.data_connector.service_account"] = "must be a boolean"
        }

        var company = ToolLevels(), project = ToolLevels()
        let permissions = root["permissions"]
        if permissions != nil, !(permissions is [String: Any]) {
            fields["manifest.permissions"] = "must be an object"
        }
        let perms = permissions as? [String: Any] ?? [:]
        for key in perms.keys where key != "company" && key != "project" {
            fields["manifest.permissions.\(key)"] = "unknown permission scope; use company or project"
        }
        for (scopeKey, scope) in [("company", Tool.Scope.company), ("project", Tool.Scope.project)] {
            guard let raw = perms[scopeKey] else { continue }
            guard let map = raw as? [String: Any] else {
                fields["manifest.permissions.\(scopeKey)"] = "must be an object of tool: level"
                continue
            }
            var strings: [String: String] = [:]
            for (tool, level) in map {
                if let level = level as? String { strings[tool] = level } else { fields["manifest.permissions.\(scopeKey).\(tool)"] = "must be a level string" }
            }
            do {
                let levels = try ToolLevels(parsing: strings, scope: scope, fieldPrefix: "manifest.permissions.\(scopeKey)")
                if scope == .company { company = levels } else { project = levels }
            } catch {
                fields.merge(error.fields) { a, _ in a }
            }
        }
        guard fields.isEmpty, let schema else { throw ValidationError("invalid manifest", fields: fields) }
        return Manifest(schemaVersion: schema, isServiceAccount: isServiceAccount, companyLevels: company, projectLevels: project)
    }

    /// Parses a stored manifest (written by ``json``).
    public static func stored(_ json: String) -> Manifest? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return nil }
        return try? validate(object, requireServiceAccount: false)
    }
}

/// JSONSerialization gives booleans as NSNumber; this tells a JSON `true` from a JSON `1`.
/// A JSON boolean as `JSONSerialization` gives it (an `NSNumber` of type `c`), never a number that is 0 or 1.
func jsonBool(_ value: Any?) -> Bool? {
    guard let number = value as? NSNumber else { return nil }
    return String(cString: number.objCType) == "c" ? number.boolValue : nil
}
