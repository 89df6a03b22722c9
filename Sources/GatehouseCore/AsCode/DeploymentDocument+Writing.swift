import Foundation

extension DeploymentDocument {
    /// The document as a JSON tree, in the shape ``init(reading:)`` reads: what `export` answers. Empty lists and
    /// defaults are left out, and secrets never appear (a given `client_id` does not either: an export describes
    /// the deployment, not one CI run's fixtures).
    public var jsonObject: [String: Any] {
        var root: [String: Any] = ["version": Self.version]
        if prune { root["prune"] = true }
        if !companies.isEmpty { root["companies"] = companies.map(\.jsonObject) }
        if !apps.isEmpty { root["apps"] = apps.map(\.jsonObject) }
        if !installations.isEmpty { root["installations"] = installations.map(\.jsonObject) }
        return root
    }

    /// Canonical JSON (sorted keys), so two exports of one deployment compare byte for byte.
    public var json: Data {
        (try? JSONSerialization.data(withJSONObject: jsonObject, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
    }
}

extension DeploymentDocument.CompanySpec {
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["name": name]
        if !projects.isEmpty { object["projects"] = projects.map { ["name": $0] } }
        if !users.isEmpty {
            object["users"] = users.map { user -> [String: Any] in
                var u: [String: Any] = ["email": user.email, "first_name": user.firstName, "last_name": user.lastName]
                if !user.companyTools.isEmpty { u["company_tools"] = user.companyTools }
                return u
            }
        }
        if !templates.isEmpty { object["permission_templates"] = templates.map { ["name": $0.name, "tools": $0.tools] as [String: Any] } }
        if !serviceAccounts.isEmpty {
            object["service_accounts"] = serviceAccounts.map { account -> [String: Any] in
                var a: [String: Any] = ["name": account.name]
                if !account.companyTools.isEmpty { a["company_tools"] = account.companyTools }
                if !account.projects.isEmpty {
                    a["projects"] = account.projects.map { m -> [String: Any] in
                        var entry: [String: Any] = ["project": m.project]
                        if let template = m.template { entry["template"] = template }
                        if let tools = m.tools { entry["tools"] = tools }
                        return entry
                    }
                }
                return a
            }
        }
        return object
    }
}

extension DeploymentDocument.AppSpec {
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["name": name]
        if let owner { object["owner"] = owner }
        if listed { object["listed"] = true }
        if !versions.isEmpty {
            object["versions"] = versions.map { v -> [String: Any] in
                var entry: [String: Any] = ["version": v.version]
                if v.promoted { entry["promoted"] = true }
                if !v.companyTools.isEmpty { entry["company_tools"] = v.companyTools }
                if !v.projectTools.isEmpty { entry["project_tools"] = v.projectTools }
                return entry
            }
        }
        return object
    }
}

extension DeploymentDocument.InstallationSpec {
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["company": company, "app": app, "version": version]
        if let permittedProjects { object["permitted_projects"] = permittedProjects }
        return object
    }
}
