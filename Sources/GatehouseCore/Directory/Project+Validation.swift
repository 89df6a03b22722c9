import Foundation

/// A project as a client submits it, before validation: every field optional, as it arrived.
public struct ProjectDraft: Sendable, Decodable {
    public var name: String?
    public var display_name: String?
    public var project_number: String?
    public var active: Bool?
    public var stage: String?
    public var address: String?
    public var city: String?
    public var state_code: String?
    public var country_code: String?
    public var zip: String?
    public var time_zone: String?

    public init(name: String? = nil) { self.name = name }

    /// A `PATCH`: the fields sent replace the project's, the rest keep their values, and the result passes the
    /// same rules as a new project. `id`, `createdAt` and the company never change.
    public func applied(to project: Project, fieldPrefix: String = "", now: Date) throws(ValidationError) -> Project {
        var merged = ProjectDraft(name: name ?? project.name)
        merged.display_name = display_name ?? project.displayName
        merged.project_number = project_number ?? project.projectNumber
        merged.active = active ?? project.active
        merged.stage = stage ?? project.stage
        merged.address = address ?? project.address
        merged.city = city ?? project.city
        merged.state_code = state_code ?? project.stateCode
        merged.country_code = country_code ?? project.countryCode
        merged.zip = zip ?? project.zip
        merged.time_zone = time_zone ?? project.timeZone
        var updated = try merged.validated(companyID: project.companyID, fieldPrefix: fieldPrefix, now: now)
        updated.id = project.id
        updated.createdAt = project.createdAt
        return updated
    }

    /// The one project rule set, for the admin API and `POST /rest/v1.0/projects` alike. `fieldPrefix` is
    /// where the fields sit in the caller's body (`project.` on the REST surface, which wraps them).
    public func validated(companyID: Int64, fieldPrefix: String = "", now: Date) throws(ValidationError) -> Project {
        var fields: [String: String] = [:]
        let name = requiredName(name, maxLength: Limits.projectName).value(for: fieldPrefix + "name", into: &fields)
        if let code = cleaned(country_code), code.count != 2 || !code.allSatisfy(\.isLetter) {
            fields[fieldPrefix + "country_code"] = "must be an ISO 3166-1 alpha-2 code"
        }
        if let zone = cleaned(time_zone), TimeZone(identifier: zone) == nil { fields[fieldPrefix + "time_zone"] = "unknown time zone" }
        for (key, value) in [("display_name", display_name), ("project_number", project_number), ("stage", stage), ("address", address),
                             ("city", city), ("state_code", state_code), ("zip", zip)] {
            if let value, value.textLength > Limits.projectField { fields[fieldPrefix + key] = "at most \(Limits.projectField) characters" }
        }
        guard fields.isEmpty, let name else { throw ValidationError("invalid project", fields: fields) }
        return Project(
            companyID: companyID, name: name, displayName: cleaned(display_name), projectNumber: cleaned(project_number),
            active: active ?? true, stage: cleaned(stage), address: cleaned(address), city: cleaned(city),
            stateCode: cleaned(state_code), countryCode: cleaned(country_code)?.uppercased(), zip: cleaned(zip),
            timeZone: cleaned(time_zone), createdAt: now, updatedAt: now
        )
    }
}
