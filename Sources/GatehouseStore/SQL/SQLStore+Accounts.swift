import Foundation
import GatehouseCore
import SQLKit
import Synchronization

extension SQLStore: ServiceAccountStore {
    public func createServiceAccount(_ new: NewServiceAccount, at now: Date) async throws -> ServiceAccount {
        let t = now.unixSeconds
        return try await database.transaction { db in
            guard try await db.raw("SELECT id FROM companies WHERE id = \(bind: new.companyID)").first() != nil else {
                throw StoreError.notFound("company")
            }
            let contactID = try await db.insertReturningID("""
                INSERT INTO people (kind, first_name, last_name, email, is_active, home_company_id, created_at, updated_at)
                VALUES (\(bind: Person.Kind.serviceAccountContact.rawValue), \(bind: new.name), \(bind: "(Service Account)"),
                    \(bind: new.contactEmail.lowercased()), \(bind: true), \(bind: new.companyID), \(bind: t), \(bind: t))
                RETURNING id
                """)
            // The directory entry carries no permission rows: absent means `none` for every tool.
            try await db.raw("""
                INSERT INTO directory_entries (company_id, person_id, is_employee, is_active, created_at)
                VALUES (\(bind: new.companyID), \(bind: contactID), \(bind: false), \(bind: true), \(bind: t))
                """).run()
            let clientPK = try await db.insertReturningID("""
                INSERT INTO clients (client_id, kind, generation, is_enabled, created_at, updated_at)
                VALUES (\(bind: new.clientID), \(bind: OAuthClient.Kind.serviceAccount.rawValue), \(bind: Int64(1)), \(bind: true), \(bind: t), \(bind: t))
                RETURNING id
                """)
            try await db.raw("INSERT INTO client_secrets (client_pk, hash, created_at) VALUES (\(bind: clientPK), \(bind: new.secretHash), \(bind: t))").run()
            let id = try await db.insertReturningID("""
                INSERT INTO service_accounts (client_pk, company_id, name, app_type, app_id, contact_id, created_at, app_linked_by_operator)
                VALUES (\(bind: clientPK), \(bind: new.companyID), \(bind: new.name), \(bind: new.appType.rawValue), \(bind: new.appID), \(bind: contactID), \(bind: t),
                        \(bind: new.appLinkedByOperator))
                RETURNING id
                """)
            return ServiceAccount(
                id: id, companyID: new.companyID, name: new.name, appType: new.appType, appID: new.appID, contactID: contactID,
                client: OAuthClient(id: clientPK, clientID: new.clientID, kind: .serviceAccount, generation: 1, isEnabled: true),
                createdAt: Date(unixSeconds: t), appLinkedByOperator: new.appLinkedByOperator
            )
        }
    }

    static let accountSelect = """
        SELECT sa.id, sa.company_id, sa.name, sa.app_type, sa.app_id, sa.contact_id, sa.created_at, sa.app_linked_by_operator,
               c.id AS client_pk, c.client_id, c.kind, c.generation, c.is_enabled
        FROM service_accounts sa JOIN clients c ON c.id = sa.client_pk
        """

    public func serviceAccounts(companyID: Int64) async throws -> [ServiceAccount] {
        try await database.withConnection { db in
            try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE sa.company_id = \(bind: companyID) ORDER BY sa.id").all().map(ServiceAccount.init(row:))
        }
    }

    public func serviceAccount(id: Int64, companyID: Int64) async throws -> ServiceAccount? {
        try await database.withConnection { db in
            try await db.raw("\(unsafeRaw: Self.accountSelect) WHERE sa.id = \(bind: id) AND sa.company_id = \(bind: companyID)").first().map(ServiceAccount.init(row:))
        }
    }
}

extension OAuthClient {
    init(row: any SQLRow, idColumn: String = "id") throws {
        self.init(
            id: try row.int(idColumn), clientID: try row.string("client_id"),
            kind: try SQLStore.decodeEnum(OAuthClient.Kind.self, row, "kind"),
            generation: try row.int("generation"), isEnabled: try row.bool("is_enabled")
        )
    }
}

extension ServiceAccount {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.int("id"), companyID: try row.int("company_id"), name: try row.string("name"),
            appType: try SQLStore.decodeEnum(AppType.self, row, "app_type"), appID: try row.optionalInt("app_id"),
            contactID: try row.int("contact_id"), client: try OAuthClient(row: row, idColumn: "client_pk"),
            createdAt: try row.date("created_at"), appLinkedByOperator: try row.bool("app_linked_by_operator")
        )
    }
}

extension SQLStore: ClientStore {
    public func clientRecord(clientID: String) async throws -> ClientRecord? {
        // Inside an apply's transaction nothing shared answers: it must read its own uncommitted rows.
        if Database.scope == nil {
            switch caches.credentials.lookup(clientID) {
            case .found(let record): return record
            case .absent: return nil
            case .unknown: reloadCredentialIndex()
            }
        }
        return try await caches.clients.value(for: clientID, keep: { $0 != nil }) { try await loadClientRecord(clientID: clientID) }
    }

    /// Starts one reload of the credential index in the background, if it is stale and none is running. Detached,
    /// so it carries no request's task-locals (an apply's open transaction above all).
    func reloadCredentialIndex() {
        guard let epoch = caches.credentials.claimReload() else { return }
        Task.detached { [self] in
            let started = ContinuousClock.now
            let records = try? await self.loadClientRecords()
            self.caches.credentials.finishReload(epoch: epoch, started: started, records: records)
            if let records { self.indexReloaded?(records.count, ContinuousClock.now - started) }
        }
    }

    /// The columns of a client record, its secrets and its account; one row per secret (or one with no secret).
    private static let clientRecordSelect = """
        SELECT c.id AS client_pk, c.client_id, c.kind, c.generation, c.is_enabled, c.jwks,
               s.id AS secret_id, s.hash AS secret_hash, s.created_at AS secret_created_at, s.expires_at AS secret_expires_at,
               sa.id AS account_id, sa.company_id, sa.name, sa.app_type, sa.app_id, sa.contact_id, sa.created_at AS account_created_at
        FROM clients c
        LEFT JOIN client_secrets s ON s.client_pk = c.id
        LEFT JOIN service_accounts sa ON sa.client_pk = c.id
        """

    /// One read for the whole record (client, its secrets, its account), for a client the index cannot answer.
    func loadClientRecord(clientID: String) async throws -> ClientRecord? {
        try await database.withConnection { db in
            let rows = try await db.raw("\(unsafeRaw: Self.clientRecordSelect) WHERE c.client_id = \(bind: clientID) ORDER BY s.id DESC").all()
            return try Self.clientRecords(from: rows).first
        }
    }

    /// Every client's record, for the credential index: one query, however many clients. Rows are folded as they
    /// stream in rather than collected first: 100,000 driver rows held at once cost several times the records.
    func loadClientRecords() async throws -> CredentialIndex.Snapshot {
        let folder = RecordFolder()
        try await database.withConnection { db in
            try await db.raw("\(unsafeRaw: Self.clientRecordSelect) ORDER BY c.id, s.id DESC").run { row in folder.add(row) }
        }
        return try folder.finish()
    }

    /// Folds rows ordered by client (one per secret) into records, newest secret first.
    private static func clientRecords(from rows: [any SQLRow]) throws -> [ClientRecord] {
        var fold = RecordFold()
        for row in rows { try fold.add(row) }
        return fold.finish()
    }

    /// The fold of rows into records: a record ends when a row of the next client arrives.
    struct RecordFold {
        private(set) var records: [ClientRecord] = []
        private var current: ClientRecord?

        mutating func add(_ row: any SQLRow) throws {
            let pk = try row.int("client_pk")
            if current?.client.id != pk {
                if let done = current { records.append(done) }
                let client = try OAuthClient(row: row, idColumn: "client_pk")
                let account = try row.optionalInt("account_id").map { id in
                    ServiceAccount(
                        id: id, companyID: try row.int("company_id"), name: try row.string("name"),
                        appType: try SQLStore.decodeEnum(ServiceAccount.AppType.self, row, "app_type"), appID: try row.optionalInt("app_id"),
                        contactID: try row.int("contact_id"), client: client, createdAt: try row.date("account_created_at")
                    )
                }
                current = ClientRecord(client: client, secrets: [], serviceAccount: account, jwks: try row.optionalString("jwks"))
            }
            if let id = try row.optionalInt("secret_id") {
                current!.secrets.append(StoredSecret(
                    id: id, hash: try row.string("secret_hash"), createdAt: try row.date("secret_created_at"),
                    expiresAt: try row.optionalDate("secret_expires_at")
                ))
            }
        }

        /// Forgets the finished records already handed over.
        mutating func drain() { records.removeAll(keepingCapacity: true) }

        mutating func finish() -> [ClientRecord] {
            if let done = current { records.append(done) }
            current = nil
            return records
        }
    }

    /// A ``RecordFold`` for rows handed over one at a time by the driver, keyed by `client_id` as it goes. The
    /// driver calls its handler serially; the `Mutex` is what makes the handler `Sendable`.
    final class RecordFolder: Sendable {
        private struct State {
            var fold = RecordFold()
            var snapshot = CredentialIndex.Snapshot()
            var failure: (any Error)?
        }
        private let state = Mutex(State())

        func add(_ row: any SQLRow) {
            state.withLock { state in
                guard state.failure == nil else { return }
                do {
                    try state.fold.add(row)
                    // Move finished records into the dictionary as they complete, so they are held once.
                    for record in state.fold.records { state.snapshot.insert(record) }
                    state.fold.drain()
                } catch {
                    state.failure = error
                }
            }
        }

        func finish() throws -> CredentialIndex.Snapshot {
            try state.withLock { state in
                if let failure = state.failure { throw failure }
                for record in state.fold.finish() { state.snapshot.insert(record) }
                return state.snapshot
            }
        }
    }
}

extension SQLStore: SigningKeyStore {
    public func signingKeys() async throws -> [StoredSigningKey] {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM signing_keys ORDER BY activates_at, kid").all().map { row in
                StoredSigningKey(
                    kid: try row.string("kid"), sealedPrivateKey: try row.string("sealed_private_key"),
                    publicX: try row.string("public_x"), publicY: try row.string("public_y"),
                    createdAt: try row.date("created_at"), activatesAt: try row.date("activates_at"), retiredAt: try row.optionalDate("retired_at")
                )
            }
        }
    }

    public func retireSigningKey(kid: String, at now: Date) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT retired_at FROM signing_keys WHERE kid = \(bind: kid)").first() else { throw StoreError.notFound("signing key") }
            guard try row.optionalInt("retired_at") == nil else { throw StoreError(.conflict, "this key is already retired") }
            try await db.raw("UPDATE signing_keys SET retired_at = \(bind: now.unixSeconds) WHERE kid = \(bind: kid)").run()
        }
    }

    public func deleteSigningKey(kid: String) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT retired_at FROM signing_keys WHERE kid = \(bind: kid)").first() else { throw StoreError.notFound("signing key") }
            guard try row.optionalInt("retired_at") != nil else {
                throw StoreError(.conflict, "only a retired key can be deleted; retire it first, then delete it")
            }
            try await db.raw("DELETE FROM signing_keys WHERE kid = \(bind: kid)").run()
        }
    }

    public func insertSigningKey(_ key: StoredSigningKey) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO signing_keys (kid, sealed_private_key, public_x, public_y, created_at, activates_at, retired_at)
                VALUES (\(bind: key.kid), \(bind: key.sealedPrivateKey), \(bind: key.publicX), \(bind: key.publicY),
                    \(bind: key.createdAt.unixSeconds), \(bind: key.activatesAt.unixSeconds), \(bind: key.retiredAt?.unixSeconds))
                """).run()
        }
    }
}
