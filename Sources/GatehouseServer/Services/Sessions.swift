import Crypto
import Foundation
import GatehouseCore
import GatehouseStore

/// A signed-in user's session, checked: not past its absolute end, not idle too long, and its person still
/// an active user.
struct SignedIn: Sendable {
    var idHash: String
    var session: WebSession
    var person: Person
}

/// Why a sign-in was refused, in words safe to show on the sign-in page.
enum SignInRefusal: Error, Equatable {
    case serviceAccount
    case invalidCredentials
    /// The password executor is full; nothing was checked, so nothing counts as a failure.
    case busy
}

/// Human sessions, for the console and for the admin API's cookie path alike: sign in, resolve a cookie,
/// sign out. Sessions live in the database, so every node honours them.
struct Sessions<Store: PersonStore & SessionStore & AuditStore & DirectoryStore>: Sendable {
    let store: Store
    let auditor: Auditor<Store>
    let passwords: PasswordHasher
    let clock: any GatehouseCore.Clock
    /// The absolute lifetime: the session ends this long after sign-in, however active.
    let lifetime: TimeInterval
    /// The idle lifetime: the session ends this long after its last request.
    let idleTimeout: TimeInterval
    /// A real hash at the configured cost, checked when the email is unknown, so a missing user and a
    /// contact take as long to refuse as a wrong password.
    let dummyHash: String

    /// Returns the new session's cookie value (shown to the browser only; its hash is stored).
    func signIn(email raw: String, password: String, caller: Caller) async throws(SignInRefusal) -> (cookie: String, signedIn: SignedIn) {
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let found = try? await store.login(email: email)
        let hash = found?.person.canLogIn == true ? found?.passwordHash : nil
        let ok: Bool
        do {
            ok = try await passwords.verify(password, against: hash ?? dummyHash)
        } catch is PasswordHasherBusy {
            throw .busy
        } catch {
            ok = false
        }
        if let found, !found.person.canLogIn {
            await auditor.record("login", by: Caller(.contact(personID: found.person.id), remoteAddress: caller.remoteAddress, requestID: caller.requestID),
                                 target: nil, outcome: "refused", detail: "service account contact")
            throw .serviceAccount
        }
        guard let person = found?.person, hash != nil, ok, person.isActive else {
            await auditor.record("login", actor: email.isEmpty ? "anonymous" : "email:\(email)", target: nil, outcome: "failure",
                                 detail: "invalid credentials", remoteAddress: caller.remoteAddress, requestID: caller.requestID)
            throw .invalidCredentials
        }
        let cookie = RandomToken.base64URL(byteCount: 32)
        let now = clock.now
        let session = WebSession(personID: person.id, csrfToken: RandomToken.base64URL(byteCount: 24), expiresAt: now.addingTimeInterval(lifetime), lastSeenAt: now)
        let idHash = Self.hash(cookie)
        do { try await store.createSession(idHash: idHash, session: session, at: now) } catch { throw .invalidCredentials }
        await auditor.record("login", by: Caller(.user(personID: person.id), remoteAddress: caller.remoteAddress, requestID: caller.requestID), target: nil)
        return (cookie, SignedIn(idHash: idHash, session: session, person: person))
    }

    /// The session behind a cookie, or nil when it ended (absolute or idle lifetime, sign-out, password
    /// change, deactivation). A live session's idle clock restarts.
    func resolve(cookie: String) async throws -> SignedIn? {
        let idHash = Self.hash(cookie)
        let now = clock.now
        guard let session = try await store.session(idHash: idHash, at: now) else { return nil }
        guard now.timeIntervalSince(session.lastSeenAt) < idleTimeout,
              let person = try await store.person(id: session.personID), person.canLogIn, person.isActive
        else {
            try await store.deleteSession(idHash: idHash)
            return nil
        }
        try await store.touchSession(idHash: idHash, at: now)
        return SignedIn(idHash: idHash, session: session, person: person)
    }

    func signOut(_ signedIn: SignedIn) async throws {
        try await store.deleteSession(idHash: signedIn.idHash)
    }

    /// Sessions are stored by the SHA-256 of their id: a 256-bit random id needs no slow hash, and a stolen
    /// sessions table holds nothing that can be replayed as a cookie.
    static func hash(_ cookie: String) -> String {
        Data(SHA256.hash(data: Data(cookie.utf8))).base64URLEncodedString()
    }
}

extension Sessions {
    /// Whether the person administers the company now (``Access/administersCompany``), read live.
    func administers(_ companyID: Int64, personID: Int64) async throws -> Bool {
        try await store.access(companyID: companyID, personID: personID).administersCompany
    }

    /// The companies the person administers, in directory order: the console's switcher and landing page.
    func administeredCompanies(personID: Int64) async throws -> [Company] {
        var companies: [Company] = []
        for company in try await store.directoryCompanies(personID: personID) where try await administers(company.id, personID: personID) {
            companies.append(company)
        }
        return companies
    }
}
