/// What the sunset means for one app or account: the marketplace listing, and the advice the migration
/// report gives. Pure, so the report, the console and the CLI say the same thing.
public enum MigrationAdvice {
    /// What to do with one traditional account, given whether its app has a DMSA version.
    public static func recommendation(for account: ServiceAccount, hasDMSA: Bool) -> String {
        if !account.client.isEnabled { return "none: this account is disabled" }
        switch (account.appType, hasDMSA) {
        case (.marketplace, true): return "migrate: install the app's DMSA version with POST …/service_accounts/\(account.id)/migrate"
        case (.marketplace, false): return "ask the app's developer for a DMSA version; it cannot be migrated until one exists"
        case (.custom, _): return "create a DMSA app whose manifest requests these permissions, install it, then delete this account"
        }
    }

    /// Whether the account can move on its own (`migrate`), or the refusal that says why not.
    public static func migrationRefusal(for account: ServiceAccount, appName: String?, dmsaVersion: AppVersion?) -> DomainError? {
        guard account.appType == .marketplace, account.appID != nil, let appName else {
            return DomainError(.invalid,
                "Custom service accounts cannot be migrated automatically: create a DMSA app whose manifest requests the same permissions, install it, then delete this account.",
                fields: ["app_type": "custom accounts have no app to migrate to"])
        }
        guard account.client.isEnabled else { return .conflict("this account is disabled; it was already migrated or switched off") }
        guard dmsaVersion != nil else {
            return DomainError(.invalid,
                "App '\(appName)' has no DMSA version that is promoted yet. Migrate installs only a promoted version, the kind a company admin could install by its version key; ask the app's developer to publish and promote a version whose manifest enables service-account authentication, then migrate.",
                fields: ["app_id": "has no DMSA version"])
        }
        return nil
    }
}

/// One app as the marketplace shows it.
public struct MarketplaceListing: Sendable, Equatable {
    /// Whether the marketplace offers the app to every company: a promoted version, and either its developer
    /// lists it or an operator made it. A company admin may link a traditional account only to such an app; any
    /// other (a developer's private app, or no app at all) is refused alike, without naming it.
    public static func isOffered(_ app: App, versions: [AppVersion]) -> Bool {
        versions.hasPromoted && (app.isListed || app.ownerID == nil)
    }

    public var appID: Int64
    public var name: String
    /// What the app does, in its developer's words.
    public var description: String?
    public var hasDMSAVersion: Bool
    public var isListed: Bool
    public var status: String

    /// Which apps appear; `nil` means the app is not on the marketplace at all:
    /// - apps an operator linked to marketplace traditional accounts, always (their companies need to see their fate);
    /// - a developer's app once it has a promoted version and its developer lists it;
    /// - an operator's app (no owner, made through the admin API) once it has a promoted version.
    /// After the sunset, an app with no DMSA version is delisted: it only ever worked through traditional accounts.
    public static func entry(app: App, versions: [AppVersion], linkedToTraditional: Bool, phase: SunsetPolicy.Phase) -> MarketplaceListing? {
        guard isOffered(app, versions: versions) || linkedToTraditional else { return nil }
        let hasDMSA = versions.contains(where: \.isDMSA)
        let listed = hasDMSA || phase != .sunset
        return MarketplaceListing(
            appID: app.id, name: app.name, description: app.description, hasDMSAVersion: hasDMSA, isListed: listed,
            status: listed ? "listed" : "delisted: this app only supports traditional service accounts, which were sunset"
        )
    }
}
