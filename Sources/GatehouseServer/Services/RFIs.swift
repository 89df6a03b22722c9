import Foundation
import GatehouseCore
import GatehouseStore

/// An RFI with the people it names (author and manager), for Procore's `{id, login, name}` shape.
struct RFIView: Sendable {
    var rfi: RFI
    var people: [Int64: Person]
}

/// RFIs in a project: the operations the REST door calls, writing and auditing here like every other area. Who
/// may do what is ``RFIPolicy``'s (Core); the fields' rules are ``RFIDraft``'s.
struct RFIs<Store: RFIStore & DirectoryStore & PersonStore & AuditStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let clock: any GatehouseCore.Clock

    func list(in project: Project, limit: Int, offset: Int) async throws -> (items: [RFIView], total: Int) {
        let page = try await store.rfis(projectID: project.id, limit: limit, offset: offset)
        var views: [RFIView] = []
        for rfi in page.items { views.append(try await view(rfi)) }
        return (views, page.total)
    }

    func show(_ id: Int64, in project: Project) async throws -> RFIView {
        try await view(try await rfi(id, in: project))
    }

    /// Created by the calling contact.
    func create(_ draft: RFIDraft, in project: Project, author contactID: Int64, by caller: Caller) async throws -> RFIView {
        let (subject, questionBody) = try draft.validatedForCreate()
        try await checkManager(draft, project: project)
        let rfi = try await store.createRFI(projectID: project.id, subject: subject, questionBody: questionBody, rfiManagerID: draft.rfi_manager_id,
                                            createdByID: contactID, at: clock.now)
        await auditor.record("rfi.create", by: caller, target: "rfi:\(rfi.id)")
        return try await view(rfi)
    }

    /// Standard access edits only the RFIs its contact wrote (``RFIPolicy/canEdit(_:isAuthor:)``).
    func update(_ id: Int64, with draft: RFIDraft, in project: Project, level: PermissionLevel, editor contactID: Int64, by caller: Caller) async throws -> RFIView {
        let existing = try await rfi(id, in: project)
        guard RFIPolicy.canEdit(level, isAuthor: existing.createdByID == contactID) else {
            throw DomainError.forbidden("Standard RFI access may only edit RFIs it created")
        }
        let updated = try draft.applied(to: existing, at: clock.now)
        try await checkManager(draft, project: project)
        try await store.updateRFI(updated)
        await auditor.record("rfi.update", by: caller, target: "rfi:\(updated.id)")
        return try await view(updated)
    }

    func delete(_ id: Int64, in project: Project, by caller: Caller) async throws {
        let rfi = try await rfi(id, in: project)
        try await store.deleteRFI(id: rfi.id, projectID: project.id)
        await auditor.record("rfi.delete", by: caller, target: "rfi:\(rfi.id)")
    }

    private func rfi(_ id: Int64, in project: Project) async throws -> RFI {
        guard let rfi = try await store.rfi(id: id, projectID: project.id) else { throw DomainError.notFound("rfi") }
        return rfi
    }

    /// The RFI manager must be in the project's company directory.
    private func checkManager(_ draft: RFIDraft, project: Project) async throws {
        guard let manager = draft.rfi_manager_id else { return }
        if try await store.companyLevels(companyID: project.companyID, personID: manager) == nil {
            throw ValidationError("invalid rfi", fields: ["rfi.rfi_manager_id": "is not a user of this company"])
        }
    }

    private func view(_ rfi: RFI) async throws -> RFIView {
        var people: [Int64: Person] = [:]
        for id in [rfi.createdByID, rfi.rfiManagerID].compactMap({ $0 }) where people[id] == nil {
            people[id] = try await store.person(id: id)
        }
        return RFIView(rfi: rfi, people: people)
    }
}
