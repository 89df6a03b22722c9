import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Master-key rotation: the signing keys move at once, every hash made with the old pepper keeps verifying and
/// moves to the new one the next time its secret is presented, and the old key can be dropped when nothing
/// needs it. Run against the real server, stopped and started between the steps as an operator would.
@Suite("Master-key rotation")
struct MasterKeyRotationTests {
    /// One deployment whose master key lives in its data directory, as `gatehouse serve` keeps it by default.
    struct Deployment {
        var configuration: GatehouseConfiguration
        let schema: String?

        init(_ kind: StoreKind, clock: ManualClock) async throws {
            var configuration = TestApp.baseConfiguration(clock: clock, masterKey: "")
            configuration.masterKey = nil
            configuration.previousMasterKeys = nil
            var schema: String?
            if kind == .postgres {
                let url = ProcessInfo.processInfo.environment["POSTGRES_URL"]!
                let name = "k_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
                try await PostgresSchemas.create(name, url: url)
                configuration.databaseURL = url
                configuration.databaseSchema = name
                schema = name
            }
            self.configuration = configuration
            self.schema = schema
        }

        /// Starts the server, runs `body` against it, and stops it.
        func serving<T: Sendable>(_ body: @Sendable (TestApp) async throws -> T) async throws -> T {
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let (app, runtime) = try await buildApplication(configuration: configuration, logger: logger)
            let configuration = self.configuration
            do {
                let result = try await app.test(.router) { client in
                    try await body(TestApp(client: client, runtime: runtime, clock: configuration.clock as! ManualClock, configuration: configuration))
                }
                await runtime.store.database.shutdown()
                return result
            } catch {
                await runtime.store.database.shutdown()
                throw error
            }
        }

        func cleanUp() async throws {
            try? FileManager.default.removeItem(atPath: configuration.dataDirectory)
            if let schema, let url = ProcessInfo.processInfo.environment["POSTGRES_URL"] { try await PostgresSchemas.drop(schema, url: url) }
        }

        func newKeyFile() throws -> String {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            let path = configuration.dataDirectory + "/new.key"
            try MasterKey.generate().encoded.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        var logger: Logger { Logger(label: "test") }
    }

    static func operatorRequest(_ app: TestApp, token: String) async throws -> HTTPResult {
        try await app.request(.get, "/admin/v1/companies", headers: [.authorization: "Bearer \(token)"])
    }

    @Test(arguments: StoreKind.enabled)
    func secretsMoveToTheNewKeyAsTheyArePresentedAndTheOldKeyIsDroppedAfter(_ kind: StoreKind) async throws {
        let deployment = try await Deployment(kind, clock: ManualClock(Date(timeIntervalSince1970: 1_600_000_000)))
        do {
            let configuration = deployment.configuration
            // Before: two accounts, an operator token in the store, and an access token signed with today's key.
            let (first, second, oldAccessToken) = try await deployment.serving { (app: TestApp) async throws in
                let company = try await app.createCompany()
                let first = try await app.createServiceAccount(company: company, name: "First")
                let second = try await app.createServiceAccount(company: company, name: "Second")
                return (first, second, try await app.accessToken(clientID: first.clientID, secret: first.secret))
            }
            let operatorToken = try await createAdminToken(name: "ops", configuration: configuration, logger: deployment.logger)
            let oldKeyID = try await masterKeyStatus(configuration: configuration, logger: deployment.logger).currentKeyID

            let rotation = try await rotateMasterKey(newKeyFile: try deployment.newKeyFile(), configuration: configuration, logger: deployment.logger)
            #expect(rotation.previousKeyID == oldKeyID && rotation.newKeyID != oldKeyID)
            #expect(rotation.resealedSigningKeys == 1)
            #expect(rotation.switchedFiles)

            var status = try await masterKeyStatus(configuration: configuration, logger: deployment.logger)
            #expect(status.currentKeyID == rotation.newKeyID)
            #expect(status.acceptedKeyIDs == [oldKeyID])
            #expect(status.usage.signingKeys == [rotation.newKeyID: 1], "sealed again in the rotation itself")
            #expect(status.usage.clientSecrets == [oldKeyID: 2], "hashes cannot move until their secrets are presented")
            #expect(status.usage.operatorTokens == [oldKeyID: 1])

            // During: the old key is accepted; presenting a secret re-hashes it.
            try await deployment.serving { (app: TestApp) async throws in
                #expect(try await app.rest(.get, "/rest/v1.0/me", token: oldAccessToken, company: nil).status == .ok, "a token signed before the rotation")
                #expect(try await app.token(clientID: first.clientID, secret: first.secret).status == .ok)
                #expect(try await app.token(clientID: first.clientID, secret: first.secret).status == .ok, "and again, on the new hash")
                #expect(try await Self.operatorRequest(app, token: operatorToken).status == .ok)
                #expect(try await Self.operatorRequest(app, token: operatorToken).status == .ok)
            }
            status = try await masterKeyStatus(configuration: configuration, logger: deployment.logger)
            #expect(status.usage.clientSecrets == [oldKeyID: 1, rotation.newKeyID: 1])
            #expect(status.usage.operatorTokens == [rotation.newKeyID: 1])
            #expect(status.notOnCurrent == 1, "the second account has not been seen since")

            // Dropping the old key is refused while the second secret still needs it.
            await #expect(throws: ConfigurationError.self) {
                _ = try await dropPreviousMasterKeys(force: false, configuration: configuration, logger: deployment.logger)
            }
            try await deployment.serving { (app: TestApp) async throws in
                #expect(try await app.token(clientID: second.clientID, secret: second.secret).status == .ok)
            }
            #expect(try await masterKeyStatus(configuration: configuration, logger: deployment.logger).notOnCurrent == 0)
            _ = try await dropPreviousMasterKeys(force: false, configuration: configuration, logger: deployment.logger)
            #expect(!FileManager.default.fileExists(atPath: MasterKeys.previousKeyFile(dataDirectory: configuration.dataDirectory)))

            // After: only the new key. Everything still works, so everything moved.
            try await deployment.serving { (app: TestApp) async throws in
                #expect(try await app.token(clientID: first.clientID, secret: first.secret).status == .ok)
                #expect(try await app.token(clientID: second.clientID, secret: second.secret).status == .ok)
                #expect(try await Self.operatorRequest(app, token: operatorToken).status == .ok)
                #expect(try await app.rest(.get, "/rest/v1.0/me", token: oldAccessToken, company: nil).status == .ok)
            }
            try await deployment.cleanUp()
        } catch {
            try? await deployment.cleanUp()
            throw error
        }
    }

    /// The control: dropping the earlier key before a secret moved breaks exactly that secret, which is what the
    /// refusal above protects. It also shows the re-hash is what kept the first account working.
    @Test(arguments: StoreKind.enabled)
    func aForcedDropBreaksTheSecretsThatHadNotMoved(_ kind: StoreKind) async throws {
        let deployment = try await Deployment(kind, clock: ManualClock(Date(timeIntervalSince1970: 1_600_000_000)))
        do {
            let configuration = deployment.configuration
            let (moved, stayed) = try await deployment.serving { (app: TestApp) async throws in
                let company = try await app.createCompany()
                return (try await app.createServiceAccount(company: company, name: "Moved"), try await app.createServiceAccount(company: company, name: "Stayed"))
            }
            _ = try await rotateMasterKey(newKeyFile: try deployment.newKeyFile(), configuration: configuration, logger: deployment.logger)
            try await deployment.serving { (app: TestApp) async throws in
                #expect(try await app.token(clientID: moved.clientID, secret: moved.secret).status == .ok)
            }
            let dropped = try await dropPreviousMasterKeys(force: true, configuration: configuration, logger: deployment.logger)
            #expect(dropped.notOnCurrent == 1)
            try await deployment.serving { (app: TestApp) async throws in
                #expect(try await app.token(clientID: moved.clientID, secret: moved.secret).status == .ok)
                #expect(try await app.token(clientID: stayed.clientID, secret: stayed.secret).status == .unauthorized)
            }
            try await deployment.cleanUp()
        } catch {
            try? await deployment.cleanUp()
            throw error
        }
    }

    /// Several nodes roll one at a time: a node still on the old key (accepting the new one) and a node already on
    /// the new key (accepting the old one) serve the same store, and a secret one node re-hashed verifies on both.
    @Test(arguments: StoreKind.enabled)
    func nodesOnEitherSideOfTheRollServeTheSameSecrets(_ kind: StoreKind) async throws {
        let old = MasterKey.generate().encoded, new = MasterKey.generate().encoded
        var deployment = try await Deployment(kind, clock: ManualClock(Date(timeIntervalSince1970: 1_600_000_000)))
        do {
            deployment.configuration.masterKey = old
            let account = try await deployment.serving { (app: TestApp) async throws in
                try await app.createServiceAccount(company: try await app.createCompany())
            }
            // The rotation re-seals under the new key; the environment, not the files, says which key is current.
            let keyFile = try deployment.newKeyFile()
            try new.write(toFile: keyFile, atomically: true, encoding: .utf8)
            let rotation = try await rotateMasterKey(newKeyFile: keyFile, configuration: deployment.configuration, logger: deployment.logger)
            #expect(!rotation.switchedFiles)

            var before = deployment, after = deployment
            before.configuration.previousMasterKeys = new         // phase 1: still hashing with the old key
            after.configuration.masterKey = new                   // phase 2: hashing with the new key
            after.configuration.previousMasterKeys = old
            try await after.serving { (app: TestApp) async throws in
                #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok, "re-hashed here")
            }
            try await before.serving { (app: TestApp) async throws in
                #expect(try await app.token(clientID: account.clientID, secret: account.secret).status == .ok, "still verifies on a node not yet rolled")
            }
            var unaware = deployment
            unaware.configuration.previousMasterKeys = ""
            await #expect(throws: ConfigurationError.self, "a node that accepts neither cannot open the re-sealed signing key") {
                try await unaware.serving { _ in }
            }
            try await deployment.cleanUp()
        } catch {
            try? await deployment.cleanUp()
            throw error
        }
    }
}
