import Foundation
import GatehouseCore
import GatehouseStore

/// What a contact was granted in one company, what its allowed REST calls used in a window, and what is granted
/// above that use. The read model of the usage report (admin API, console panel, CLI).
struct UsageReport: Sendable {
    let days: Int
    /// When counting began for this contact here.
    let since: Date
    /// Whether the whole window was recorded; apply needs it unless forced.
    let isComplete: Bool
    let grants: Grants
    let used: [UsedGrant]
    let unused: [UnusedGrant]
    /// Names for the projects and templates the grants mention.
    let projectNames: [Int64: String]
    let templateNames: [Int64: String]
    /// True for a DMSA app's contact: its grants come from the manifest and cannot be lowered here.
    let isManifestManaged: Bool
}

/// Least privilege from real use: the report, and lowering grants to it. Counting itself happens in
/// ``UsageRecorder``, on every allowed REST call.
struct Usage<Store: GatehouseRepository>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let clock: any GatehouseCore.Clock
    let accounts: ServiceAccounts<Store>
    let installations: Installations<Store>

    /// The window a report may cover. The default 30 matches the console panel; a year is the most a report reads.
    static var days: ClosedRange<Int> { 1...365 }
    static var defaultDays: Int { 30 }

    func report(account id: Int64, in company: Company, days: Int = Self.defaultDays) async throws -> UsageReport {
        let account = try await accounts.account(id, in: company)
        return try await report(contact: account.contactID, in: company, days: days, manifestManaged: false)
    }

    func report(installation id: Int64, in company: Company, days: Int = Self.defaultDays) async throws -> UsageReport {
        let view = try await installations.show(id, in: company)
        guard view.installation.isActive else { throw DomainError.notFound("installation") }
        return try await report(contact: view.installation.contactID, in: company, days: days, manifestManaged: true)
    }

    /// Lowers a traditional account's grants to what the window used: company levels and each membership's levels,
    /// in one transaction, with one audit row. Refused (422) when less than the window has been recorded, unless
    /// `force`. Answers the report after the change.
    func apply(account id: Int64, in company: Company, days: Int = Self.defaultDays, force: Bool, by caller: Caller) async throws -> UsageReport {
        let account = try await accounts.account(id, in: company)
        let before = try await report(contact: account.contactID, in: company, days: days, manifestManaged: false)
        guard before.isComplete || force else {
            throw ValidationError("only \(Self.recordedDays(before, now: clock.now)) of the \(days) days have been recorded for this account; "
                                  + "lower its grants once the window is whole, or send force: true",
                                  fields: ["days": "is longer than the recorded use (since \(before.since.iso8601))", "force": "is needed to apply a partial window"])
        }
        guard !before.unused.isEmpty else { return before }
        let lowered = LeastPrivilege.lowered(before.grants, used: before.used)
        try await store.replaceGrants(companyID: company.id, personID: account.contactID, with: lowered)
        let changes = before.unused.map { "\($0.projectID.map { "project \($0)" } ?? "company") \($0.tool.key) \($0.granted.rawValue)→\($0.used.rawValue)" }
        await auditor.record("service_account.usage_apply", by: caller, target: AuditTarget.serviceAccount(account.id),
                             detail: "\(days) days\(force && !before.isComplete ? ", forced" : ""): " + changes.joined(separator: ", "))
        return try await report(contact: account.contactID, in: company, days: days, manifestManaged: false)
    }

    /// A DMSA app's grants are its manifest's: apply is always refused, and says what to do instead.
    func apply(installation id: Int64, in company: Company) async throws -> Never {
        _ = try await installations.show(id, in: company)
        throw DomainError(.invalid, "a DMSA app's permissions come from its manifest; ask the app's developer to publish a version that asks for less",
                          fields: ["installation_id": "is a DMSA app, whose grants follow its manifest"])
    }

    private func report(contact: Int64, in company: Company, days: Int, manifestManaged: Bool) async throws -> UsageReport {
        guard Self.days.contains(days) else {
            throw ValidationError("days must be \(Self.days.lowerBound) to \(Self.days.upperBound)", fields: ["days": "must be \(Self.days.lowerBound) to \(Self.days.upperBound)"])
        }
        guard let grants = try await store.grants(companyID: company.id, personID: contact),
              let since = try await store.usageRecordedSince(companyID: company.id, personID: contact)
        else { throw DomainError.notFound("directory entry") }
        let now = clock.now
        let today = now.unixSeconds / 86_400
        let used = UsedGrant.merged(try await store.permissionUse(companyID: company.id, personID: contact, fromDay: today - Int64(days) + 1))
        let projects = try await store.projects(companyID: company.id, limit: 1000, offset: 0, activeOnly: false).items
        let templates = try await store.templates(companyID: company.id, projectID: nil)
        return UsageReport(
            days: days, since: since, isComplete: since <= now.addingTimeInterval(-TimeInterval(days) * 86_400), grants: grants, used: used,
            unused: LeastPrivilege.unused(grants, used: used),
            projectNames: Dictionary(projects.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a }),
            templateNames: Dictionary(templates.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            isManifestManaged: manifestManaged)
    }

    private static func recordedDays(_ report: UsageReport, now: Date) -> String {
        let days = max(0, Int(now.timeIntervalSince(report.since) / 86_400))
        return days == 1 ? "1 day" : "\(days) days"
    }
}
