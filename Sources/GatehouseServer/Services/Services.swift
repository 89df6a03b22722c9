import GatehouseCore
import GatehouseStore
import HummingbirdBcrypt

/// Every operation of Gatehouse, one type per area, built once over one store. The admin API, the console
/// and (through the admin API) the CLI are doors to these; none holds a rule of its own.
struct Services<Store: GatehouseRepository>: Sendable {
    let auditor: Auditor<Store>
    let passwords: PasswordHasher
    let directory: Directory<Store>
    let permissions: Permissions<Store>
    let serviceAccounts: ServiceAccounts<Store>
    let apps: Apps<Store>
    let installations: Installations<Store>
    let policy: Policy<Store>
    let keys: Keys<Store>
    let operatorTokens: OperatorTokens<Store>
    let sessions: Sessions<Store>
    let credentials: CredentialLifecycle<Store>
    let rfis: RFIs<Store>
    let usage: Usage<Store>
    let auditNames: AuditNames<Store>
    let formSubmissions: FormSubmissions<Store>
    let deployments: Deployments<Store>

    init(store: Store, runtime: GatehouseRuntime, configuration: GatehouseConfiguration) {
        let clock = configuration.clock
        let auditor = Auditor(store: store, clock: clock)
        let passwords = PasswordHasher(cost: configuration.bcryptCost)
        self.auditor = auditor
        self.passwords = passwords
        directory = Directory(store: store, auditor: auditor, clock: clock, contactDomain: configuration.resolvedContactEmailDomain, passwords: passwords)
        permissions = Permissions(store: store, auditor: auditor)
        let credentials = CredentialLifecycle(store: store, auditor: auditor, hasher: runtime.hasher, clock: clock)
        self.credentials = credentials
        let domain = configuration.resolvedContactEmailDomain
        serviceAccounts = ServiceAccounts(store: store, auditor: auditor, hasher: runtime.hasher, clock: clock,
                                          policy: configuration.sunsetPolicy, contactDomain: domain, credentials: credentials)
        apps = Apps(store: store, auditor: auditor, hasher: runtime.hasher, clock: clock, credentials: credentials)
        installations = Installations(store: store, auditor: auditor, clock: clock, contactDomain: domain, retention: configuration.reinstallRetention)
        policy = Policy(store: store, auditor: auditor, clock: clock, policy: configuration.sunsetPolicy, installations: installations)
        keys = Keys(ring: runtime.keys, auditor: auditor)
        rfis = RFIs(store: store, auditor: auditor, clock: clock)
        auditNames = AuditNames(store: store)
        formSubmissions = FormSubmissions(store: store, clock: clock)
        usage = Usage(store: store, auditor: auditor, clock: clock, accounts: serviceAccounts, installations: installations)
        operatorTokens = OperatorTokens(store: store, auditor: auditor)
        deployments = Deployments(store: store, directory: directory, permissions: permissions, serviceAccounts: serviceAccounts,
                                  apps: apps, installations: installations, allowsGivenCredentials: configuration.allowsGivenCredentials,
                                  fault: configuration.applyFaultAfter.map(ApplyFault.init))
        sessions = Sessions(
            store: store, auditor: auditor, passwords: passwords, clock: clock,
            lifetime: configuration.sessionLifetime, idleTimeout: configuration.sessionIdleTimeout,
            dummyHash: Bcrypt.hash(RandomToken.base64URL(byteCount: 16), cost: configuration.bcryptCost)
        )
    }
}
