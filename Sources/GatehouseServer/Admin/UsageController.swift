import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// `…/service_accounts/{id}/usage` and `…/installations/{iid}/usage`: the doors to ``Usage``.
struct UsageController<Store: GatehouseRepository>: Sendable {
    let usage: Usage<Store>

    func addRoutes(company: RouterGroup<CompanyRequestContext>) {
        company.get("service_accounts/:id/usage", use: accountReport)
        company.post("service_accounts/:id/usage/apply", use: accountApply)
        company.get("installations/:iid/usage", use: installationReport)
        company.post("installations/:iid/usage/apply", use: installationApply)
    }

    struct ApplyInput: Decodable {
        let days: Int?
        let force: Bool?
    }

    private func days(_ request: Request) throws -> Int {
        let range = Int64(Usage<Store>.days.lowerBound)...Int64(Usage<Store>.days.upperBound)
        return try request.query.integer("days", in: range).map { Int($0) } ?? Usage<Store>.defaultDays
    }

    @Sendable func accountReport(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("id", resource: "service account")
        return try JSONResponse.make(UsageBody(try await usage.report(account: id, in: context.company, days: try days(request))))
    }

    @Sendable func accountApply(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("id", resource: "service account")
        var request = request
        let input = request.hasNoBody ? ApplyInput(days: nil, force: nil) : try await request.decodeJSON(ApplyInput.self, context: context)
        let report = try await usage.apply(account: id, in: context.company, days: input.days ?? Usage<Store>.defaultDays, force: input.force ?? false, by: context.caller)
        return try JSONResponse.make(UsageBody(report))
    }

    @Sendable func installationReport(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        let id = try context.parameters.id("iid", resource: "installation")
        return try JSONResponse.make(UsageBody(try await usage.report(installation: id, in: context.company, days: try days(request))))
    }

    @Sendable func installationApply(_ request: Request, context: CompanyRequestContext) async throws -> Response {
        try await usage.apply(installation: try context.parameters.id("iid", resource: "installation"), in: context.company)
    }
}

/// The usage report on the wire (spec §7).
struct UsageBody: Encodable, Sendable {
    struct Granted: Encodable, Sendable {
        let company: [String: String]
        let projects: [Project]
    }

    struct Project: Encodable, Sendable {
        let project_id: Int64
        let name: String
        /// `template` or `explicit`.
        let source: String
        @Nullable var permission_template_id: Int64?
        @Nullable var template: String?
        let tools: [String: String]
    }

    struct Used: Encodable, Sendable {
        let scope: String
        @Nullable var project_id: Int64?
        let tool: String
        let level: String
        let calls: Int64
        let last_used_at: String
    }

    struct Unused: Encodable, Sendable {
        let scope: String
        @Nullable var project_id: Int64?
        let tool: String
        let granted: String
        let used: String
    }

    let days: Int
    let since: String
    let complete: Bool
    let manifest_managed: Bool
    let granted: Granted
    let used: [Used]
    let unused: [Unused]

    init(_ report: UsageReport) {
        func levels(_ levels: ToolLevels) -> [String: String] { levels.levels.filter { $0.value != .none }.mapValues(\.rawValue) }
        days = report.days
        since = report.since.iso8601
        complete = report.isComplete
        manifest_managed = report.isManifestManaged
        granted = Granted(company: levels(report.grants.companyLevels), projects: report.grants.memberships.map { m in
            Project(project_id: m.projectID, name: report.projectNames[m.projectID] ?? "", source: m.templateID == nil ? "explicit" : "template",
                    permission_template_id: m.templateID, template: m.templateID.flatMap { report.templateNames[$0] }, tools: levels(m.levels))
        })
        used = report.used.map { u in
            Used(scope: u.projectID == nil ? "company" : "project", project_id: u.projectID, tool: u.tool.key, level: u.level.rawValue,
                 calls: u.calls, last_used_at: u.lastUsedAt.iso8601)
        }
        unused = report.unused.map { u in
            Unused(scope: u.projectID == nil ? "company" : "project", project_id: u.projectID, tool: u.tool.key, granted: u.granted.rawValue, used: u.used.rawValue)
        }
    }
}
