import Foundation
import GatehouseCore
import GatehouseStore

/// Companies, their projects, and the people in their directories.
struct Directory<Store: CompanyStore & ProjectStore & PersonStore & DirectoryStore & SessionStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let clock: any GatehouseCore.Clock
    let contactDomain: String
    let passwords: PasswordHasher

    // MARK: companies

    func createCompany(name raw: String?, by caller: Caller) async throws -> Company {
        let name = try requiredName(raw, maxLength: Limits.companyName).value(for: "name")
        let company = try await store.createCompany(name: name)
        await auditor.record("company.create", by: caller, target: "company:\(company.id)")
        return company
    }

    func companies() async throws -> [Company] { try await store.companies() }

    /// Renames or (de)activates a company. A deactivated company's service accounts get no tokens and every
    /// REST call acting in it is refused, from the next request on every node; nothing is deleted, so
    /// reactivating restores it as it was.
    /// Company admins may rename their company; only operators (de)activate one.
    func updateCompany(_ company: Company, _ patch: CompanyPatch, by caller: Caller) async throws -> Company {
        if patch.is_active != nil, !caller.actor.isOperator { throw DomainError.forbidden("only operators activate or deactivate a company") }
        var changed = company
        if let raw = patch.name {
            changed.name = try requiredName(raw, maxLength: Limits.companyName).value(for: "name")
        }
        if let active = patch.is_active { changed.isActive = active }
        guard let updated = try await store.updateCompany(changed) else { throw DomainError.notFound("company") }
        let action = company.isActive == updated.isActive ? "company.update" : (updated.isActive ? "company.activate" : "company.deactivate")
        await auditor.record(action, by: caller, target: "company:\(company.id)")
        return updated
    }

    func company(_ id: Int64) async throws -> Company {
        guard let company = try await store.company(id: id) else { throw DomainError.notFound("company") }
        return company
    }

    // MARK: projects

    /// `fieldPrefix` names where the fields sat in the caller's body, so errors point at them.
    func createProject(_ draft: ProjectDraft, in company: Company, fieldPrefix: String = "", by caller: Caller) async throws -> Project {
        let project = try draft.validated(companyID: company.id, fieldPrefix: fieldPrefix, now: clock.now)
        let created = try await store.createProject(project)
        await auditor.record("project.create", by: caller, target: "project:\(created.id)")
        return created
    }

    /// Every project, archived ones included: the admin doors list what they can change.
    func projects(in company: Company, limit: Int, offset: Int, activeOnly: Bool = false) async throws -> (items: [Project], total: Int) {
        try await store.projects(companyID: company.id, limit: limit, offset: offset, activeOnly: activeOnly)
    }

    /// Changes a project; `active: false` archives it. An archived project leaves every REST list and its
    /// memberships stop granting at once; its memberships are kept, so unarchiving restores them.
    func updateProject(_ id: Int64, in company: Company, _ patch: ProjectDraft, by caller: Caller) async throws -> Project {
        let project = try await project(id, in: company)
        let changed = try patch.applied(to: project, now: clock.now)
        guard let updated = try await store.updateProject(changed) else { throw DomainError.notFound("project") }
        let action = project.active == updated.active ? "project.update" : (updated.active ? "project.unarchive" : "project.archive")
        await auditor.record(action, by: caller, target: "project:\(id)")
        return updated
    }

    /// A project of this company; any other company's project is "not found", whichever door asks. Every door that
    /// names a project by id under a company reads it here, so tenancy is checked once.
    func project(_ id: Int64, in company: Company) async throws -> Project {
        guard let project = try await store.project(id: id), project.companyID == company.id else { throw DomainError.notFound("project") }
        return project
    }

    // MARK: people

    func createUser(_ draft: UserDraft, in company: Company, by caller: Caller) async throws -> Person {
        let (person, password) = try draft.validated(contactDomain: contactDomain)
        let hash = try await password.asyncMap { try await passwords.hash($0) }
        let created = try await store.createUser(NewUser(
            companyID: company.id, firstName: person.firstName, lastName: person.lastName, email: person.email,
            jobTitle: person.jobTitle, passwordHash: hash
        ))
        await auditor.record("user.create", by: caller, target: "person:\(created.id)")
        return created
    }

    /// Changes a person under the person rules; a contact's email and password are refused (and audited).
    func updatePerson(_ id: Int64, _ patch: PersonPatch, by caller: Caller) async throws -> Person {
        guard let person = try await store.person(id: id) else { throw DomainError.notFound("person") }
        let updated: Person, password: String?
        do {
            (updated, password) = try person.applying(patch, contactDomain: contactDomain)
        } catch {
            if person.kind == .serviceAccountContact {
                await auditor.record("person.update", by: caller, target: "person:\(id)", outcome: "refused", detail: error.fields.keys.sorted().joined(separator: ","))
            }
            throw error
        }
        let hash = try await password.asyncMap { try await passwords.hash($0) }
        try await store.updatePerson(updated)
        if let hash {
            try await store.setPasswordHash(personID: id, hash: hash)
        }
        // A new password, or deactivation, signs the user out everywhere: whoever knew the old password keeps
        // no session, and a deactivated user none at all.
        if hash != nil || (person.isActive && !updated.isActive) {
            try await store.deleteSessions(personID: id)
        }
        let action = person.isActive == updated.isActive ? "person.update" : (updated.isActive ? "person.activate" : "person.deactivate")
        await auditor.record(action, by: caller, target: "person:\(id)")
        return updated
    }

    // MARK: the directory

    /// Removes a user from the directory, with their company levels and project memberships. A service
    /// account's contact is refused (409): it leaves its company only with its account (delete the account) or
    /// its installation (uninstall the app), so an account never stands without its contact.
    func removeFromDirectory(personID: Int64, in company: Company, by caller: Caller) async throws {
        guard let person = try await store.person(id: personID) else { throw DomainError.notFound("directory entry") }
        let target = "company:\(company.id)/person:\(personID)"
        if person.kind == .serviceAccountContact {
            let refusal = DomainError(.conflict, "A service account's contact leaves its company only when its account is deleted or its app uninstalled",
                                      fields: ["person_id": "is a service-account contact"])
            await auditor.record("directory.remove", by: caller, target: target, outcome: "refused", detail: refusal.message)
            throw refusal
        }
        guard try await store.removeFromDirectory(companyID: company.id, personID: personID) else { throw DomainError.notFound("directory entry") }
        await auditor.record("directory.remove", by: caller, target: target)
    }

    /// Adds an existing person by id, for operators only: a company admin adds an existing user by email, and never
    /// learns the ids of people outside their company.
    func addToDirectory(personID: Int64, in company: Company, by caller: Caller) async throws -> Person {
        guard caller.actor.isOperator else { throw DomainError.forbidden("adding by person_id is for operators only; add an existing user by email") }
        guard let person = try await store.person(id: personID) else { throw DomainError.notFound("person") }
        return try await add(person, to: company, by: caller)
    }

    /// Adds an existing person. A contact of another company is refused (409) by the contact rule.
    private func add(_ person: Person, to company: Company, by caller: Caller) async throws -> Person {
        let personID = person.id
        let target = "company:\(company.id)/person:\(personID)"
        do {
            if let refusal = person.directoryRefusal(joining: company.id) { throw refusal }
            try await store.addToDirectory(companyID: company.id, personID: personID)
        } catch let error as DomainError {
            await auditor.record("directory.add", by: caller, target: target, outcome: "refused", detail: error.message)
            throw error
        }
        await auditor.record("directory.add", by: caller, target: target)
        return person
    }

    /// Adds an existing user by exact email, the only way the console offers: ids are not guessable from a
    /// page, so an admin cannot walk the people of other tenants.
    func addToDirectory(email raw: String, in company: Company, by caller: Caller) async throws -> Person {
        let email = cleaned(raw)?.lowercased() ?? ""
        guard PersonRules.isPlausibleEmail(email) else { throw ValidationError("invalid email", fields: ["email": "is not an email address"]) }
        guard let found = try await store.login(email: email)?.person else {
            throw ValidationError("no such user", fields: ["email": "no user has this email; create the user first"])
        }
        return try await add(found, to: company, by: caller)
    }

    func directory(of company: Company, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int) {
        try await store.directoryMembers(companyID: company.id, limit: limit, offset: offset)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
