import Foundation
import GatehouseCore
import GatehouseStore

/// Names for the ids audit rows carry, so the console's audit speaks of people, accounts and apps: `person:12`
/// reads "Dana Admin", `client:…` the account's or app's name, `service_account:3` the account's. The row keeps
/// its raw value too, one click away. The formats are the ones ``AuditTarget`` and ``Actor`` write, read here
/// and nowhere else.
struct AuditNames<Store: GatehouseRepository>: Sendable {
    let store: Store

    /// A display name, the recorded value, and where to see the thing, when the console has a page for it.
    struct Named: Sendable {
        let name: String
        let raw: String
        let link: String?
    }

    func actor(_ raw: String, in company: Company) async throws -> Named {
        let (kind, value) = Self.split(raw)
        switch kind {
        case "person", "contact":
            if let id = RequestNumber.id(value), let person = try await store.person(id: id) { return Named(name: person.name, raw: raw, link: nil) }
        case "client":
            if let name = try await clientName(value, in: company) { return Named(name: name.name, raw: raw, link: name.link) }
        case "operator":
            return Named(name: value.isEmpty ? "Operator" : "Operator (\(value))", raw: raw, link: nil)
        default: break
        }
        return Named(name: raw, raw: raw, link: nil)
    }

    func target(_ raw: String?, in company: Company) async throws -> Named? {
        guard let raw, !raw.isEmpty else { return nil }
        let parts = raw.split(separator: "/").map { Self.split(String($0)) }
        func id(_ text: String) -> Int64? { RequestNumber.id(text) }
        switch (parts.first?.0, parts.count > 1 ? parts[1].0 : nil) {
        case ("service_account", nil):
            if let id = id(parts[0].1), let account = try await store.serviceAccount(id: id, companyID: company.id) {
                return Named(name: account.name, raw: raw, link: "/companies/\(company.id)/service_accounts/\(id)")
            }
        case ("company", "person"?):
            if let id = id(parts[1].1), let person = try await store.person(id: id) { return Named(name: person.name, raw: raw, link: nil) }
        case ("project", "person"?):
            if let projectID = id(parts[0].1), let personID = id(parts[1].1), let person = try await store.person(id: personID),
               let project = try await store.project(id: projectID), project.companyID == company.id {
                return Named(name: "\(person.name) on \(project.displayName)", raw: raw, link: nil)
            }
        case ("company", "installation"?):
            if let id = id(parts[1].1), let installation = try await store.installation(id: id, companyID: company.id),
               let app = try await store.app(id: installation.appID) {
                return Named(name: app.name, raw: raw, link: "/companies/\(company.id)/apps/\(id)")
            }
        case ("template", nil):
            if let id = id(parts[0].1), let template = try await store.template(id: id, companyID: company.id) {
                return Named(name: "Template “\(template.name)”", raw: raw, link: "/companies/\(company.id)/permission_templates/\(id)")
            }
        case ("project", nil):
            if let id = id(parts[0].1), let project = try await store.project(id: id), project.companyID == company.id {
                return Named(name: project.displayName, raw: raw, link: nil)
            }
        case ("client", nil):
            if let name = try await clientName(parts[0].1, in: company) { return Named(name: name.name, raw: raw, link: name.link) }
        case ("company", nil):
            if id(parts[0].1) == company.id { return Named(name: company.name, raw: raw, link: nil) }
        default:
            // A bare client id (`AuditTarget.client`): token issuance, revocation and introspection.
            if !raw.contains(":"), let name = try await clientName(raw, in: company) { return Named(name: name.name, raw: raw, link: name.link) }
        }
        return Named(name: raw, raw: raw, link: nil)
    }

    /// The actors whose person, account or app in this company has `text` in its name or email, ignoring case:
    /// the console's "Who" filter turns a name into the ids the log holds.
    func actors(matching text: String, in company: Company) async throws -> [String] {
        let needle = text.lowercased()
        func matches(_ values: String...) -> Bool { values.contains { $0.lowercased().contains(needle) } }
        var actors: [String] = []
        for member in try await store.directoryMembers(companyID: company.id, limit: 10_000, offset: 0).items
        where matches(member.person.name, member.person.email) {
            actors.append(Actor.user(personID: member.person.id).description)
        }
        for account in try await store.serviceAccounts(companyID: company.id) where matches(account.name) {
            actors.append(Actor.client(clientID: account.client.clientID).description)
        }
        for installation in try await store.installations(companyID: company.id) {
            if let app = try await store.app(id: installation.appID), matches(app.name) { actors.append(Actor.client(clientID: app.client.clientID).description) }
        }
        return actors
    }

    private func clientName(_ clientID: String, in company: Company) async throws -> (name: String, link: String?)? {
        guard let record = try await store.clientRecord(clientID: clientID) else { return nil }
        if let account = record.serviceAccount {
            return (account.name, account.companyID == company.id ? "/companies/\(company.id)/service_accounts/\(account.id)" : nil)
        }
        return try await store.app(clientPK: record.client.id).map { ($0.name, nil) }
    }

    /// `kind:value`; a value may itself hold colons (an operator token's name).
    private static func split(_ text: String) -> (String, String) {
        guard let colon = text.firstIndex(of: ":") else { return (text, "") }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
