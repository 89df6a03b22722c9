import Foundation

extension DeploymentDocument {
    /// Reads a document from decoded JSON (or YAML turned into the same tree), collecting every problem at once,
    /// each keyed by the path of its node (`companies[0].service_accounts[2].projects[0].template`): an unknown
    /// key, a wrong type, a bad level, a duplicate name in its scope, or a reference to a project or template the
    /// company does not name. References across the deployment (an installation's company, app and version) are
    /// resolved when the document is planned, since they may already exist.
    public init(reading root: Any) throws(ValidationError) {
        var reader = DocumentReader()
        let document = reader.document(root)
        guard reader.fields.isEmpty, let document else {
            throw ValidationError("invalid document", fields: reader.fields.isEmpty ? ["document": "could not be read"] : reader.fields)
        }
        self = document
    }
}

/// Walks a decoded tree and records problems by path. One reader per document; not shared.
struct DocumentReader {
    var fields: [String: String] = [:]

    mutating func fail(_ path: String, _ message: String) {
        if fields[path] == nil { fields[path] = message }
    }

    /// An object with only `allowed` keys; each other key is named as unknown.
    mutating func object(_ value: Any?, _ path: String, allowed: [String]) -> [String: Any]? {
        guard let object = value as? [String: Any] else {
            fail(path, "must be an object")
            return nil
        }
        for key in object.keys.sorted() where !allowed.contains(key) {
            fail(path.isEmpty ? key : "\(path).\(key)", "unknown key; expected one of \(allowed.joined(separator: ", "))")
        }
        return object
    }

    mutating func string(_ object: [String: Any], _ key: String, _ path: String, required: Bool = true, maxLength: Int = 200) -> String? {
        let at = path.isEmpty ? key : "\(path).\(key)"
        guard let raw = object[key], !(raw is NSNull) else {
            if required { fail(at, "is required") }
            return nil
        }
        guard let text = raw as? String, !(raw is NSNumber) else {
            fail(at, "must be a string")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            fail(at, "must not be empty")
            return nil
        }
        guard trimmed.count <= maxLength, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            fail(at, "must be at most \(maxLength) characters, without control characters")
            return nil
        }
        return trimmed
    }

    /// Absent is false; `null` is not a boolean, and is refused like any other non-boolean.
    mutating func bool(_ object: [String: Any], _ key: String, _ path: String) -> Bool {
        guard let raw = object[key] else { return false }
        if let flag = jsonBool(raw) { return flag }
        fail(path.isEmpty ? key : "\(path).\(key)", "must be true or false")
        return false
    }

    /// Absent is empty; `null` is not a list.
    mutating func array(_ object: [String: Any], _ key: String, _ path: String) -> [Any] {
        guard let raw = object[key] else { return [] }
        guard let items = raw as? [Any] else {
            fail(path.isEmpty ? key : "\(path).\(key)", "must be a list")
            return []
        }
        return items
    }

    /// `{tool: level}`, checked against the permission matrix for `scope`.
    mutating func levels(_ object: [String: Any], _ key: String, _ path: String, scope: Tool.Scope, required: Bool = false) -> [String: String]? {
        let at = "\(path).\(key)"
        guard let raw = object[key], !(raw is NSNull) else {
            if required { fail(at, "is required") }
            return nil
        }
        guard let map = raw as? [String: Any] else {
            fail(at, "must be an object of tool: level")
            return nil
        }
        var strings: [String: String] = [:]
        for (tool, level) in map {
            guard let level = level as? String, !(level is NSNumber) else {
                fail("\(at).\(tool)", "must be one of none, readonly, standard, admin")
                continue
            }
            strings[tool] = level
        }
        do {
            _ = try ToolLevels(parsing: strings, scope: scope, fieldPrefix: at)
        } catch {
            for (field, message) in error.fields { fail(field, message) }
        }
        return strings
    }

    /// Reports the second and later uses of a name within one scope.
    mutating func unique(_ names: [(name: String?, path: String)], what: String) {
        var seen: [String: String] = [:]
        for (name, path) in names {
            guard let name else { continue }
            let key = name.lowercased()
            if let first = seen[key] { fail(path, "duplicate \(what) '\(name)'; first at \(first)") } else { seen[key] = path }
        }
    }

    mutating func document(_ root: Any) -> DeploymentDocument? {
        guard let top = object(root, "", allowed: ["version", "prune", "companies", "apps", "installations"]) else {
            fields = ["document": "must be an object with version: 1"]
            return nil
        }
        if let version = top["version"] as? NSNumber, jsonBool(version) == nil, version.doubleValue == Double(DeploymentDocument.version) {
            // The one version there is.
        } else if top["version"] == nil {
            fail("version", "is required; use 1")
        } else {
            fail("version", "unsupported; use 1")
        }
        var document = DeploymentDocument(prune: bool(top, "prune", ""))
        for (i, raw) in array(top, "companies", "").enumerated() {
            if let company = company(raw, "companies[\(i)]") { document.companies.append(company) }
        }
        unique(document.companies.enumerated().map { ($0.element.name, "companies[\($0.offset)].name") }, what: "company")
        var emails: [String: (spec: DeploymentDocument.UserSpec, path: String)] = [:]
        for (i, company) in document.companies.enumerated() {
            for (j, user) in company.users.enumerated() {
                let path = "companies[\(i)].users[\(j)]"
                if let other = emails[user.email], other.spec.firstName != user.firstName || other.spec.lastName != user.lastName {
                    fail("\(path).email", "names this user differently from \(other.path); a user is one person in every company")
                } else {
                    emails[user.email] = (user, path)
                }
            }
        }
        for (i, raw) in array(top, "apps", "").enumerated() {
            if let app = app(raw, "apps[\(i)]") { document.apps.append(app) }
        }
        unique(document.apps.enumerated().map { ($0.element.name, "apps[\($0.offset)].name") }, what: "app")
        for (i, raw) in array(top, "installations", "").enumerated() {
            if let installation = installation(raw, "installations[\(i)]") { document.installations.append(installation) }
        }
        unique(document.installations.enumerated().map { ("\($0.element.company)\u{0}\($0.element.app)", "installations[\($0.offset)]") },
               what: "installation of one app in one company")
        givenClientIDs(document)
        return document
    }

    mutating func company(_ raw: Any, _ path: String) -> DeploymentDocument.CompanySpec? {
        guard let object = object(raw, path, allowed: ["name", "projects", "users", "permission_templates", "service_accounts"]) else { return nil }
        let name = string(object, "name", path, maxLength: Limits.companyName)
        var company = DeploymentDocument.CompanySpec(name: name ?? "")
        for (i, raw) in array(object, "projects", path).enumerated() {
            let at = "\(path).projects[\(i)]"
            if let project = self.object(raw, at, allowed: ["name"]), let name = string(project, "name", at) { company.projects.append(name) }
        }
        unique(company.projects.enumerated().map { ($0.element, "\(path).projects[\($0.offset)].name") }, what: "project")
        for (i, raw) in array(object, "users", path).enumerated() {
            let at = "\(path).users[\(i)]"
            guard let user = self.object(raw, at, allowed: ["email", "first_name", "last_name", "company_tools"]) else { continue }
            let email = string(user, "email", at)?.lowercased()
            if let email, !PersonRules.isPlausibleEmail(email) { fail("\(at).email", "is not an email address") }
            let first = string(user, "first_name", at), last = string(user, "last_name", at)
            let tools = levels(user, "company_tools", at, scope: .company) ?? [:]
            if let email, let first, let last { company.users.append(.init(email: email, firstName: first, lastName: last, companyTools: tools)) }
        }
        unique(company.users.enumerated().map { ($0.element.email, "\(path).users[\($0.offset)].email") }, what: "user")
        for (i, raw) in array(object, "permission_templates", path).enumerated() {
            let at = "\(path).permission_templates[\(i)]"
            guard let template = self.object(raw, at, allowed: ["name", "tools"]) else { continue }
            let name = string(template, "name", at)
            let tools = levels(template, "tools", at, scope: .project, required: true)
            if let name, let tools { company.templates.append(.init(name: name, tools: tools)) }
        }
        unique(company.templates.enumerated().map { ($0.element.name, "\(path).permission_templates[\($0.offset)].name") }, what: "permission template")
        for (i, raw) in array(object, "service_accounts", path).enumerated() {
            let at = "\(path).service_accounts[\(i)]"
            if let account = account(raw, at, company: company) { company.serviceAccounts.append(account) }
        }
        unique(company.serviceAccounts.enumerated().map { ($0.element.name, "\(path).service_accounts[\($0.offset)].name") }, what: "service account")
        return name == nil ? nil : company
    }

    mutating func account(_ raw: Any, _ path: String, company: DeploymentDocument.CompanySpec) -> DeploymentDocument.AccountSpec? {
        guard let object = object(raw, path, allowed: ["name", "client_id", "client_secret", "company_tools", "projects"]) else { return nil }
        let name = string(object, "name", path, maxLength: ServiceAccountDraft.nameLength.upperBound)
        var account = DeploymentDocument.AccountSpec(name: name ?? "", given: given(object, path),
                                                     companyTools: levels(object, "company_tools", path, scope: .company) ?? [:])
        let projects = Set(company.projects.map { $0.lowercased() }), templates = Set(company.templates.map { $0.name.lowercased() })
        for (i, raw) in array(object, "projects", path).enumerated() {
            let at = "\(path).projects[\(i)]"
            guard let membership = self.object(raw, at, allowed: ["project", "template", "tools"]) else { continue }
            let project = string(membership, "project", at)
            if let project, !projects.contains(project.lowercased()) { fail("\(at).project", "names no project of this company; list it under projects") }
            let template = string(membership, "template", at, required: false)
            if let template, !templates.contains(template.lowercased()) { fail("\(at).template", "names no permission template of this company; list it under permission_templates") }
            let tools = levels(membership, "tools", at, scope: .project)
            if (template == nil) == (tools == nil) { fail(at, "give a template or tools, not both and not neither") }
            if let project { account.projects.append(.init(project: project, template: template, tools: tools)) }
        }
        unique(account.projects.enumerated().map { ($0.element.project, "\(path).projects[\($0.offset)].project") }, what: "membership in project")
        return name == nil ? nil : account
    }

    /// `client_id` and `client_secret`, both or neither.
    mutating func given(_ object: [String: Any], _ path: String) -> DeploymentDocument.GivenCredentials? {
        let id = string(object, "client_id", path, required: false, maxLength: 100)
        let secret = string(object, "client_secret", path, required: false, maxLength: 200)
        if let id, !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) }) {
            fail("\(path).client_id", "may hold only letters, digits and - . _ ~")
        }
        if let secret, secret.count < DeploymentDocument.GivenCredentials.minimumSecretLength {
            fail("\(path).client_secret", "must be at least \(DeploymentDocument.GivenCredentials.minimumSecretLength) characters")
        }
        switch (id, secret) {
        case let (id?, secret?): return .init(clientID: id, clientSecret: secret)
        case (nil, nil): return nil
        default:
            fail(id == nil ? "\(path).client_id" : "\(path).client_secret", "is required when the other credential is given")
            return nil
        }
    }

    mutating func app(_ raw: Any, _ path: String) -> DeploymentDocument.AppSpec? {
        guard let object = object(raw, path, allowed: ["name", "owner", "listed", "client_id", "client_secret", "versions"]) else { return nil }
        let name = string(object, "name", path, maxLength: Limits.appName)
        let owner = string(object, "owner", path, required: false)?.lowercased()
        if let owner, !PersonRules.isPlausibleEmail(owner) { fail("\(path).owner", "is not an email address") }
        var app = DeploymentDocument.AppSpec(name: name ?? "", owner: owner, listed: bool(object, "listed", path), given: given(object, path))
        for (i, raw) in array(object, "versions", path).enumerated() {
            let at = "\(path).versions[\(i)]"
            guard let version = self.object(raw, at, allowed: ["version", "promoted", "company_tools", "project_tools"]) else { continue }
            let number = string(version, "version", at, maxLength: 64)
            if let number, SemanticVersion(number) == nil { fail("\(at).version", "must be a semantic version such as 1.0.0") }
            let spec = DeploymentDocument.VersionSpec(
                version: number ?? "", promoted: bool(version, "promoted", at),
                companyTools: levels(version, "company_tools", at, scope: .company) ?? [:],
                projectTools: levels(version, "project_tools", at, scope: .project) ?? [:])
            if number != nil { app.versions.append(spec) }
        }
        unique(app.versions.enumerated().map { ($0.element.version, "\(path).versions[\($0.offset)].version") }, what: "version")
        return name == nil ? nil : app
    }

    mutating func installation(_ raw: Any, _ path: String) -> DeploymentDocument.InstallationSpec? {
        guard let object = object(raw, path, allowed: ["company", "app", "version", "permitted_projects"]) else { return nil }
        let company = string(object, "company", path), app = string(object, "app", path), version = string(object, "version", path, maxLength: 64)
        var permitted: [String]?
        if let raw = object["permitted_projects"], !(raw is NSNull) {
            guard let list = raw as? [Any] else {
                fail("\(path).permitted_projects", "must be a list of project names")
                return nil
            }
            permitted = []
            for (i, item) in list.enumerated() {
                guard let name = item as? String, !(item is NSNumber), !name.isEmpty else {
                    fail("\(path).permitted_projects[\(i)]", "must be a project name")
                    continue
                }
                permitted?.append(name)
            }
        }
        guard let company, let app, let version else { return nil }
        return .init(company: company, app: app, version: version, permittedProjects: permitted)
    }

    /// A given client id names one client in the whole document.
    mutating func givenClientIDs(_ document: DeploymentDocument) {
        var ids: [(String?, String)] = []
        for (i, company) in document.companies.enumerated() {
            for (j, account) in company.serviceAccounts.enumerated() { ids.append((account.given?.clientID, "companies[\(i)].service_accounts[\(j)].client_id")) }
        }
        for (i, app) in document.apps.enumerated() { ids.append((app.given?.clientID, "apps[\(i)].client_id")) }
        unique(ids, what: "client_id")
    }
}
