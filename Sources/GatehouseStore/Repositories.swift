import Foundation
import GatehouseCore

/// The storage seam. Each protocol is small and named after what it stores; ``SQLStore`` implements them
/// all over SQLKit, and server controllers are generic over the ones they use.

public protocol CompanyStore: Sendable {
    func createCompany(name: String) async throws -> Company
    func companies() async throws -> [Company]
    func company(id: Int64) async throws -> Company?
    /// Writes the company's name and active flag; nil when there is no such company.
    func updateCompany(_ company: Company) async throws -> Company?
}

public protocol ProjectStore: Sendable {
    func createProject(_ project: Project) async throws -> Project
    func project(id: Int64) async throws -> Project?
    /// A page of a company's projects, ordered by id, with the total count. `activeOnly` leaves out archived
    /// projects, as every REST list does.
    func projects(companyID: Int64, limit: Int, offset: Int, activeOnly: Bool) async throws -> (items: [Project], total: Int)
    /// Writes every field of the project; nil when there is no such project.
    func updateProject(_ project: Project) async throws -> Project?
}

/// A new user as the admin API receives it; the password is already a bcrypt hash.
public struct NewUser: Sendable {
    public var companyID: Int64
    public var firstName: String
    public var lastName: String
    public var email: String
    public var jobTitle: String?
    public var passwordHash: String?
    public var isEmployee: Bool

    public init(companyID: Int64, firstName: String, lastName: String, email: String, jobTitle: String?, passwordHash: String?, isEmployee: Bool = true) {
        self.companyID = companyID
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.jobTitle = jobTitle
        self.passwordHash = passwordHash
        self.isEmployee = isEmployee
    }
}

public protocol PersonStore: Sendable {
    /// Creates the person and their directory entry in one transaction. Emails are unique (case-insensitive).
    func createUser(_ user: NewUser) async throws -> Person
    func person(id: Int64) async throws -> Person?
    /// The person and their password hash, for login.
    func login(email: String) async throws -> (person: Person, passwordHash: String?)?
    func setPasswordHash(personID: Int64, hash: String) async throws
}

/// What a new traditional service account needs; the secret is already hashed.
public struct NewServiceAccount: Sendable {
    public var companyID: Int64
    public var name: String
    public var appType: ServiceAccount.AppType
    public var appID: Int64?
    public var clientID: String
    public var secretHash: String
    public var contactEmail: String
    public var appLinkedByOperator: Bool

    public init(companyID: Int64, name: String, appType: ServiceAccount.AppType, appID: Int64?, clientID: String, secretHash: String, contactEmail: String,
                appLinkedByOperator: Bool = false) {
        self.appLinkedByOperator = appLinkedByOperator
        self.companyID = companyID
        self.name = name
        self.appType = appType
        self.appID = appID
        self.clientID = clientID
        self.secretHash = secretHash
        self.contactEmail = contactEmail
    }
}

/// Everything the token endpoint needs to authenticate a client, loaded in one go.
public struct ClientRecord: Sendable {
    public var client: OAuthClient
    public var secrets: [StoredSecret]
    /// Set for a traditional account; nil for an app.
    public var serviceAccount: ServiceAccount?
    /// The client's registered JWKS for `private_key_jwt`, as JSON.
    public var jwks: String?

    public init(client: OAuthClient, secrets: [StoredSecret], serviceAccount: ServiceAccount?, jwks: String? = nil) {
        self.client = client
        self.secrets = secrets
        self.serviceAccount = serviceAccount
        self.jwks = jwks
    }
}

public protocol ServiceAccountStore: Sendable {
    /// Creates contact, directory entry (no permissions), client, secret and account in one transaction.
    func createServiceAccount(_ account: NewServiceAccount, at now: Date) async throws -> ServiceAccount
    func serviceAccounts(companyID: Int64) async throws -> [ServiceAccount]
    func serviceAccount(id: Int64, companyID: Int64) async throws -> ServiceAccount?
}

public protocol ClientStore: Sendable {
    /// The client by its public `client_id`, with its secrets; nil when unknown.
    func clientRecord(clientID: String) async throws -> ClientRecord?
}

/// A signing key as stored: the private half sealed by the master key.
public struct StoredSigningKey: Sendable, Equatable {
    public var kid: String
    public var sealedPrivateKey: String
    public var publicX: String
    public var publicY: String
    public var createdAt: Date
    public var activatesAt: Date
    public var retiredAt: Date?

    public init(kid: String, sealedPrivateKey: String, publicX: String, publicY: String, createdAt: Date, activatesAt: Date, retiredAt: Date?) {
        self.kid = kid
        self.sealedPrivateKey = sealedPrivateKey
        self.publicX = publicX
        self.publicY = publicY
        self.createdAt = createdAt
        self.activatesAt = activatesAt
        self.retiredAt = retiredAt
    }
}

public protocol SigningKeyStore: Sendable {
    func signingKeys() async throws -> [StoredSigningKey]
    func insertSigningKey(_ key: StoredSigningKey) async throws
    /// Retires a key now: it stops signing, leaves the JWKS, and its tokens stop verifying.
    func retireSigningKey(kid: String, at now: Date) async throws
    /// Deletes a key; refused (conflict) unless it is retired.
    func deleteSigningKey(kid: String) async throws
}

/// What a master-key rotation reads and rewrites: the keyed hashes and sealed keys, by the master key that made
/// each.
public protocol MasterKeyStore: Sendable {
    /// Client secrets, operator tokens and signing keys, each counted by the master key id its stored form names.
    func masterKeyUsage() async throws -> MasterKeyUsage
    /// Re-seals every signing key in one transaction. `reseal` answers the new sealed form, or nil to keep a key
    /// as it is; any error rolls every key back. Answers how many changed.
    func resealSigningKeys(_ reseal: @escaping @Sendable (String) throws -> String?) async throws -> Int
}

/// Counts by master key id.
public struct MasterKeyUsage: Sendable, Equatable {
    public var clientSecrets: [String: Int] = [:]
    public var operatorTokens: [String: Int] = [:]
    public var signingKeys: [String: Int] = [:]
    public init() {}

    /// Stored values that still need `keyID`: what must reach zero before that key can be dropped.
    public func count(on keyID: String) -> Int {
        (clientSecrets[keyID] ?? 0) + (operatorTokens[keyID] ?? 0) + (signingKeys[keyID] ?? 0)
    }
}

/// One audit record: who did what to what, when, from where, and how it ended.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    /// The company the action happened in, when it happened in one; a company admin's audit view reads by it.
    public var companyID: Int64?
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String?
    public var outcome: String
    public var detail: String?
    public var remoteAddress: String?
    public var requestID: String?

    public init(id: Int64 = 0, companyID: Int64? = nil, at: Date, actor: String, action: String, target: String?, outcome: String, detail: String? = nil, remoteAddress: String? = nil, requestID: String? = nil) {
        self.id = id
        self.companyID = companyID
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.detail = detail
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }
}

/// Which audit entries to read; every field narrows, nil means any.
public struct AuditFilter: Sendable, Equatable {
    public var companyID: Int64?
    public var actor: String?
    public var action: String?
    /// Matches the entry's target exactly (`service_account:3`) or as its prefix before a `/`.
    public var target: String?
    public var since: Date?
    public var until: Date?
    /// `success`, `failure` or `refused`, as recorded.
    public var outcome: String?
    /// A case-insensitive part of the actor as recorded (`operator`, `user:12`), or else any actor in
    /// ``actorsNamed``: the actors a name or email resolved to. The console's "Who" filter.
    public var actorMatching: String?
    public var actorsNamed: [String] = []
    /// A case-insensitive part of the action (`permissions`, `secret`).
    public var actionMatching: String?
    /// Together with ``target``: entries whose target is any of these, or ends in one after a `/`
    /// (`person:7` matches `company:1/person:7` and `project:3/person:7`). An account's related history.
    public var relatedTargets: [String] = []

    public init(companyID: Int64? = nil, actor: String? = nil, action: String? = nil, target: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.companyID = companyID
        self.actor = actor
        self.action = action
        self.target = target
        self.since = since
        self.until = until
    }
}

public protocol AuditStore: Sendable {
    func append(_ entry: AuditEntry) async throws
    /// Newest first, with the total that matches the filter.
    func auditEntries(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> (items: [AuditEntry], total: Int)
}

/// Everything Gatehouse stores. The server is generic over this composition.
public typealias GatehouseRepository = CompanyStore & ProjectStore & PersonStore & ServiceAccountStore & ClientStore
    & SigningKeyStore & AuditStore & DirectoryStore & TemplateStore & MembershipStore & RFIStore & SessionStore
    & CredentialStore & AppStore & InstallationStore & MigrationStore & RateCounterStore & AdminTokenStore & MaintenanceStore & UsageStore
    & FormSubmissionStore & AtomicStore

/// Several operations as one: every store call made inside `body` joins a single transaction, which commits
/// when `body` returns and rolls back, whole, when it throws. For applying a document (`POST /admin/v1/apply`)
/// through the same services as every other door.
public protocol AtomicStore: Sendable {
    func atomically<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) async throws -> R
}

public protocol DirectoryStore: Sendable {
    /// The principal's access in one company, read live: company levels and project memberships.
    func access(companyID: Int64, personID: Int64) async throws -> Access
    func companyLevels(companyID: Int64, personID: Int64) async throws -> ToolLevels?
    /// Replaces all company tool levels of a directory entry in one transaction.
    func setCompanyLevels(companyID: Int64, personID: Int64, levels: ToolLevels) async throws
    /// Adds an existing person to a directory. A service-account contact may only ever be in its home company.
    func addToDirectory(companyID: Int64, personID: Int64) async throws
    /// Removes a person from a company's directory with their company levels and their memberships in the
    /// company's projects, in one transaction; false when they were not in it.
    func removeFromDirectory(companyID: Int64, personID: Int64) async throws -> Bool
    func directoryMembers(companyID: Int64, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int)
    /// The companies whose directory holds this person (active entries), by id.
    func directoryCompanies(personID: Int64) async throws -> [Company]
    func updatePerson(_ person: Person) async throws
}

public protocol TemplateStore: Sendable {
    func createTemplate(companyID: Int64, name: String, projectID: Int64?, levels: ToolLevels) async throws -> PermissionTemplate
    func templates(companyID: Int64, projectID: Int64?) async throws -> [PermissionTemplate]
    func template(id: Int64, companyID: Int64) async throws -> PermissionTemplate?
    func updateTemplate(_ template: PermissionTemplate) async throws
    /// Refuses (conflict) while any membership uses the template.
    func deleteTemplate(id: Int64, companyID: Int64) async throws
}

public protocol MembershipStore: Sendable {
    /// Adds or replaces a membership. The person must be in the project's company directory.
    func addMembership(projectID: Int64, personID: Int64, templateID: Int64?, levels: ToolLevels?) async throws
    /// Returns false when there was no such membership.
    func removeMembership(projectID: Int64, personID: Int64) async throws -> Bool
    func projectMembers(projectID: Int64, limit: Int, offset: Int) async throws -> (items: [DirectoryMember], total: Int)
    /// One membership, read by its key (project, person); nil when the person is not a member.
    func projectMember(projectID: Int64, personID: Int64) async throws -> DirectoryMember?
    /// Projects of a company the person is a member of, paged.
    func memberProjects(companyID: Int64, personID: Int64, limit: Int, offset: Int) async throws -> (items: [Project], total: Int)
}

public protocol RFIStore: Sendable {
    func createRFI(projectID: Int64, subject: String, questionBody: String, rfiManagerID: Int64?, createdByID: Int64, at now: Date) async throws -> RFI
    func rfis(projectID: Int64, limit: Int, offset: Int) async throws -> (items: [RFI], total: Int)
    func rfi(id: Int64, projectID: Int64) async throws -> RFI?
    func updateRFI(_ rfi: RFI) async throws
    func deleteRFI(id: Int64, projectID: Int64) async throws
}

/// A logged-in user's session, keyed by the hash of the cookie value.
public struct WebSession: Sendable, Equatable {
    public var personID: Int64
    public var csrfToken: String
    /// The absolute end of the session, whatever its activity.
    public var expiresAt: Date
    /// The last request the session made; the idle lifetime counts from here.
    public var lastSeenAt: Date

    public init(personID: Int64, csrfToken: String, expiresAt: Date, lastSeenAt: Date) {
        self.personID = personID
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
    }
}

public protocol SessionStore: Sendable {
    func createSession(idHash: String, session: WebSession, at now: Date) async throws
    /// The session while it has not reached its absolute expiry; the idle check is the caller's.
    func session(idHash: String, at now: Date) async throws -> WebSession?
    func touchSession(idHash: String, at now: Date) async throws
    func deleteSession(idHash: String) async throws
    /// Ends every session of a person: a password change or a deactivation signs them out everywhere.
    func deleteSessions(personID: Int64) async throws
}

/// The credential lifecycle: reset, rotation, disable, delete, revocation and client JWKS.
public protocol CredentialStore: Sendable {
    /// Procore's reset: a new sole secret, generation + 1, company levels back to none and every project
    /// membership of the contact in that company removed, in one transaction. Returns the new secret's id.
    func resetServiceAccountSecret(accountID: Int64, companyID: Int64, newHash: String, at now: Date) async throws -> Int64
    /// Adds a secret and makes the other active one expire at `previousExpiresAt`. At most two may be active.
    func rotateSecret(clientPK: Int64, newHash: String, previousExpiresAt: Date, at now: Date) async throws -> [StoredSecret]
    /// Retires one secret now; refuses to retire the last active one.
    func retireSecret(clientPK: Int64, secretID: Int64, at now: Date) async throws
    func secrets(clientPK: Int64) async throws -> [StoredSecret]
    /// Disabling also bumps the generation, so tokens issued before stay dead after a later enable.
    func setClientEnabled(clientPK: Int64, enabled: Bool, at now: Date) async throws
    /// Deletes the account and its credentials; the contact is deactivated and leaves the directory.
    func deleteServiceAccount(id: Int64, companyID: Int64, at now: Date) async throws
    func setClientJWKS(clientPK: Int64, jwks: String?) async throws
    /// Records a revoked token id until the token's own expiry.
    func revokeToken(jti: String, expiresAt: Date) async throws
    func isTokenRevoked(jti: String) async throws -> Bool
    /// Records a client assertion's `jti`; false when it was already used (a replay).
    func useAssertion(jti: String, expiresAt: Date, at now: Date) async throws -> Bool
    /// Replaces one secret's hash, if it is still `old` (another node may have re-hashed it first), and forgets
    /// this node's cached record of `clientID`, which holds the old hash.
    func rehashSecret(id: Int64, clientID: String, from old: String, to new: String) async throws
}

public protocol AppStore: Sendable {
    func createApp(name: String, clientID: String, secretHash: String, ownerID: Int64?, at now: Date) async throws -> App
    func apps() async throws -> [App]
    /// Apps the person owns or collaborates on.
    func apps(memberID: Int64) async throws -> [App]
    /// Whether the person owns the app or collaborates on it.
    func isAppMember(appID: Int64, personID: Int64) async throws -> Bool
    /// Adds a collaborator; adding one twice is a conflict.
    func addCollaborator(appID: Int64, personID: Int64, at now: Date) async throws
    func collaborators(appID: Int64) async throws -> [Person]
    /// Records an invitation to collaborate (again: an existing one is kept); the email need not have an account.
    func inviteCollaborator(appID: Int64, email: String, at now: Date) async throws
    /// The apps inviting this email, oldest invitation first.
    func invitingApps(email: String) async throws -> [App]
    /// Turns the invitation into a collaboration, in one transaction. False when there was no invitation; an
    /// invitee who already works on the app just loses the invitation.
    func acceptInvitation(appID: Int64, email: String, personID: Int64, at now: Date) async throws -> Bool
    /// Renames the app and sets its marketplace listing.
    func updateApp(id: Int64, name: String, description: String?, listed: Bool) async throws
    func app(id: Int64) async throws -> App?
    /// The app behind a client, for resolving an app token's principal.
    func app(clientPK: Int64) async throws -> App?
    /// New sole secret and generation + 1: every outstanding token of the app stops working everywhere.
    func resetAppSecret(appID: Int64, newHash: String, at now: Date) async throws
    func createVersion(appID: Int64, version: String, versionKey: String, manifest: Manifest, at now: Date) async throws -> AppVersion
    func versions(appID: Int64) async throws -> [AppVersion]
    func version(id: Int64, appID: Int64) async throws -> AppVersion?
    func version(key: String) async throws -> AppVersion?
    func promoteVersion(id: Int64, appID: Int64) async throws
}

public protocol InstallationStore: Sendable {
    /// Creates the DMSA contact in the company's directory with the manifest's company levels, in one
    /// transaction. An app already installed (and active) in the company is a conflict, enforced by a unique
    /// index so that concurrent installs cannot both succeed. When the same app was uninstalled from the company
    /// less than `retention` ago, that installation comes back instead: the same contact, and the permitted
    /// projects it had (those that still exist), with this version's levels.
    func install(version: AppVersion, companyID: Int64, contactEmail: String, contactName: String, retention: TimeInterval, at now: Date) async throws -> Installation
    /// Applies a newer version's manifest to an existing installation: company levels replaced; every permitted
    /// project kept with the new project levels, or all removed when the new version requests none.
    func upgrade(installationID: Int64, to version: AppVersion, at now: Date) async throws -> Installation
    func installation(id: Int64, companyID: Int64) async throws -> Installation?
    func activeInstallation(appID: Int64, companyID: Int64) async throws -> Installation?
    func installations(companyID: Int64) async throws -> [Installation]
    func installations(appID: Int64) async throws -> [Installation]
    /// Makes the contact a member of exactly these projects, with the given project levels.
    func setPermittedProjects(installationID: Int64, projectIDs: [Int64], levels: ToolLevels) async throws
    func permittedProjects(installationID: Int64) async throws -> [Int64]
    /// Deactivates the installation and its contact; memberships and levels are removed, and the permitted
    /// project ids are kept for a reinstall.
    func uninstall(installationID: Int64, companyID: Int64, at now: Date) async throws
    /// "Add to all new projects": a project created later in the company gets the contact at once.
    func setAddToNewProjects(installationID: Int64, enabled: Bool) async throws
    func addsToNewProjects(installationID: Int64) async throws -> Bool
}

public protocol MigrationStore: Sendable {
    /// Moves a traditional marketplace account to its app's DMSA version in one transaction: installs the
    /// version (or reuses the app's active installation), makes the account's projects permitted projects,
    /// and disables the traditional account.
    func migrate(accountID: Int64, companyID: Int64, to version: AppVersion, contactEmail: String, contactName: String, at now: Date) async throws -> Installation
    /// Project ids the contact is a member of in its company.
    func projectIDs(companyID: Int64, personID: Int64) async throws -> [Int64]
}

/// Counts requests per bucket and fixed window.
public protocol RateCounterStore: Sendable {
    /// Adds each amount to its (bucket, window) counter and returns the new totals, in order. Amounts are
    /// batched per node (see `RateLimiter`), so one statement carries many requests' counts.
    func add(_ counts: [RateCount], pruneBefore: Int64?) async throws -> [Int]
}

/// A number of requests to add to one fixed window of one bucket.
public struct RateCount: Sendable, Hashable {
    public var bucket: String
    public var windowStart: Int64
    public var amount: Int

    public init(bucket: String, windowStart: Int64, amount: Int = 1) {
        self.bucket = bucket
        self.windowStart = windowStart
        self.amount = amount
    }
}

extension RateCounterStore {
    /// Adds one to each (bucket, window) pair.
    public func increment(_ windows: [(bucket: String, windowStart: Int64)], pruneBefore: Int64?) async throws -> [Int] {
        try await add(windows.map { RateCount(bucket: $0.bucket, windowStart: $0.windowStart) }, pruneBefore: pruneBefore)
    }
}

/// Operator tokens created with `gatehouse admin-token create`, stored as keyed hashes like client secrets.
public protocol AdminTokenStore: Sendable {
    func createAdminToken(name: String, hash: String, at now: Date) async throws -> Int64
    /// The token's name when the hash is known; records the use (at most once a minute per token).
    func adminTokenName(hash: String) async throws -> String?
    func adminTokens() async throws -> [AdminTokenInfo]
    /// Deletes the token; false when there was none with this id.
    func revokeAdminToken(id: Int64) async throws -> Bool
    /// Replaces a token's hash, if it is still `old` (another node may have re-hashed it first).
    func rehashAdminToken(from old: String, to new: String) async throws
}

/// An operator token as it is listed: never its value or hash.
public struct AdminTokenInfo: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: Int64, name: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// What the pruning service removes in one pass: rows that can no longer matter, so storage stays bounded
/// however much unauthenticated traffic arrives.
public struct PruneCutoffs: Sendable, Equatable {
    public var now: Date
    /// Sessions idle since before this end too; their absolute expiry is checked against `now`.
    public var sessionsIdleBefore: Date
    /// Audit rows before this are deleted; nil keeps them forever.
    public var auditBefore: Date?
    /// Permission-use counts of days before this are deleted; nil keeps them forever.
    public var usageBefore: Date?

    public init(now: Date, sessionsIdleBefore: Date, auditBefore: Date?, usageBefore: Date? = nil) {
        self.now = now
        self.sessionsIdleBefore = sessionsIdleBefore
        self.auditBefore = auditBefore
        self.usageBefore = usageBefore
    }
}

/// How many rows one pass removed, per table.
public struct PruneReport: Sendable, Equatable {
    public var revokedTokens = 0
    public var usedAssertions = 0
    public var sessions = 0
    public var auditEntries = 0
    public var rateCounters = 0
    public var permissionUse = 0
    public var formSubmissions = 0

    public init() {}

    public var total: Int { revokedTokens + usedAssertions + sessions + auditEntries + rateCounters + permissionUse + formSubmissions }
}

public protocol MaintenanceStore: Sendable {
    func prune(_ cutoffs: PruneCutoffs) async throws -> PruneReport
}

extension CompanyStore {
    /// Whether the company exists and is active. A deactivated company's service accounts get no tokens and their
    /// tokens stop, and apps stop acting in it: every one of those checks reads this.
    public func isActiveCompany(_ id: Int64) async throws -> Bool {
        try await company(id: id)?.isActive == true
    }
}

extension CompanyStore where Self: InstallationStore {
    /// An app's active installations in active companies, oldest first: where the app may act, and the company
    /// it acts in when a call names none.
    public func workingInstallations(appID: Int64) async throws -> [(installation: Installation, company: Company)] {
        var working: [(Installation, Company)] = []
        for installation in try await installations(appID: appID).filter(\.isActive).sorted(by: { $0.id < $1.id }) {
            if let company = try await company(id: installation.companyID), company.isActive { working.append((installation, company)) }
        }
        return working
    }
}


/// One batch row of permission use, as a node flushes it: calls on one day that relied on one grant.
public struct PermissionUseCount: Sendable, Equatable {
    public var personID: Int64
    public var companyID: Int64
    /// nil at company level.
    public var projectID: Int64?
    public var tool: String
    public var level: PermissionLevel
    /// Days since 1970-01-01 (UTC).
    public var day: Int64
    public var calls: Int64
    /// Unix seconds of the latest call counted.
    public var lastUsedAt: Int64

    public init(personID: Int64, companyID: Int64, projectID: Int64?, tool: String, level: PermissionLevel, day: Int64, calls: Int64, lastUsedAt: Int64) {
        self.personID = personID
        self.companyID = companyID
        self.projectID = projectID
        self.tool = tool
        self.level = level
        self.day = day
        self.calls = calls
        self.lastUsedAt = lastUsedAt
    }

    var sortKey: String { "\(personID)/\(companyID)/\(projectID ?? 0)/\(tool)/\(level.rawValue)/\(day)" }
}

/// Least privilege from real use: counted use of grants, and the grants it is compared with.
public protocol UsageStore: Sendable {
    /// Adds each row's calls to the stored count (an upsert); rows must be distinct by key.
    func addPermissionUse(_ counts: [PermissionUseCount]) async throws
    /// The summed use per project (nil: company), tool and level from `fromDay` on.
    func permissionUse(companyID: Int64, personID: Int64, fromDay: Int64) async throws -> [UsedGrant]
    /// Company levels and memberships with their levels and templates; nil when not in the directory.
    func grants(companyID: Int64, personID: Int64) async throws -> Grants?
    /// Writes company levels and the given memberships' levels in one transaction.
    func replaceGrants(companyID: Int64, personID: Int64, with grants: Grants) async throws
    /// When counting began for this contact in this company; nil when not in the directory.
    func usageRecordedSince(companyID: Int64, personID: Int64) async throws -> Date?
}

/// What claiming a console form's one-time token found.
public enum FormClaim: Sendable, Equatable {
    /// The first post of this form: go ahead.
    case first
    /// Posted before; `location` is where the first post led, nil while it runs or when it led nowhere.
    case repeated(location: String?)
}

/// One submit, one effect for the console's forms.
public protocol FormSubmissionStore: Sendable {
    func claimForm(key: String, at now: Date) async throws -> FormClaim
    /// Where the first post led; nil releases the claim (the post was refused, and may be sent again).
    func recordFormResult(key: String, location: String?) async throws
}
