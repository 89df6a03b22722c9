import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStore
import HTTPTypes
import SQLKit
import Logging
import Testing

@Suite("Admin API basics")
struct AdminAPITests {
    @Test func requiresTheOperatorToken() async throws {
        try await TestApp.run(.sqlite) { app in
            let none = try await app.request(.get, "/admin/v1/companies")
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            let wrong = try await app.request(.get, "/admin/v1/companies", headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            #expect(try await app.admin(.get, "/companies").status == .ok)
        }
    }

    @Test func withoutAConfiguredTokenTheAdminAPIIsClosed() async throws {
        try await TestApp.run(.sqlite, configure: { $0.adminToken = nil }) { app in
            let result = try await app.admin(.get, "/companies")
            #expect(result.status == .unauthorized)
            #expect(result.errorCode == "admin_disabled")
        }
    }

    @Test(arguments: StoreKind.enabled)
    func createsCompaniesProjectsAndUsers(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let company = try await app.admin(.post, "/companies", json: ["name": "  Acme  "])
            #expect(company.status == .created)
            #expect(company.json["name"] as? String == "Acme")
            #expect(company.json["is_active"] as? Bool == true)
            let cid = company.json["id"] as! Int

            let project = try await app.admin(.post, "/companies/\(cid)/projects", json: ["name": "Tower", "project_number": "T-1", "time_zone": "Europe/Berlin"])
            #expect(project.status == .created)
            #expect(project.json["display_name"] as? String == "T-1 - Tower")
            #expect((project.json["company"] as? [String: Any])?["id"] as? Int == cid)

            let user = try await app.admin(.post, "/companies/\(cid)/users", json: ["first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.com", "password": "correct horse"])
            #expect(user.status == .created)
            #expect(user.json["email"] as? String == "ada@example.com")
            #expect(user.json["password"] == nil && user.json["password_hash"] == nil)
            #expect(!user.text.contains("correct horse"))

            let duplicate = try await app.admin(.post, "/companies/\(cid)/users", json: ["first_name": "Ada", "email": "ada@example.com"])
            #expect(duplicate.status == .conflict)

            let list = try await app.admin(.get, "/companies")
            #expect(list.jsonArray.count == 1)
        }
    }

    @Test func validatesInputWithFieldErrors() async throws {
        try await TestApp.run(.sqlite) { app in
            let malformed = try await app.admin(.post, "/companies", raw: "{not json")
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_json")

            let missing = try await app.admin(.post, "/companies", json: ["name": "   "])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields["name"] != nil)

            let wrongType = try await app.admin(.post, "/companies", json: ["name": 42])
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.errorFields["name"] != nil)

            let cid = try await app.createCompany()
            let badProject = try await app.admin(.post, "/companies/\(cid)/projects", json: ["name": "X", "time_zone": "Mars/Olympus", "country_code": "USA"])
            #expect(badProject.status == .unprocessableContent)
            #expect(Set(badProject.errorFields.keys) == ["time_zone", "country_code"])

            let badUser = try await app.admin(.post, "/companies/\(cid)/users", json: ["email": "not-an-email", "password": "short"])
            #expect(badUser.status == .unprocessableContent)
            #expect(Set(badUser.errorFields.keys) == ["first_name", "email", "password"])

            let badAccount = try await app.admin(.post, "/companies/\(cid)/service_accounts", json: ["name": "x", "app_type": "weird"])
            #expect(badAccount.status == .unprocessableContent)
            #expect(badAccount.errorFields["app_type"] != nil)
        }
    }

    @Test(arguments: ["abc", "-1", "0", "99999999999999999999999", "42"])
    func badOrUnknownIdsAnswer400Or404NeverA500(_ id: String) async throws {
        try await TestApp.run(.sqlite) { app in
            let result = try await app.admin(.get, "/companies/\(id)/service_accounts")
            #expect(result.status == .badRequest || result.status == .notFound, "\(result.status)")
            #expect(result.errorCode != nil)
        }
    }

    @Test(arguments: StoreKind.enabled)
    func serviceAccountSecretIsShownOnceAndStoredOnlyAsAKeyedHash(_ kind: StoreKind) async throws {
        try await TestApp.run(kind) { app in
            let cid = try await app.createCompany()
            let created = try await app.admin(.post, "/companies/\(cid)/service_accounts", json: ["name": "ETL", "app_type": "custom"])
            #expect(created.status == .created)
            #expect(created.json["kind"] as? String == "traditional")
            let secret = try #require(created.json["client_secret"] as? String)
            #expect(Data(base64URLEncoded: secret)?.count == 32, "256 bits of entropy")
            let contact = try #require(created.json["contact"] as? [String: Any])
            #expect((contact["email"] as? String)?.hasSuffix("@serviceaccounts.gatehouse.test") == true)

            let id = created.json["id"] as! Int
            let shown = try await app.admin(.get, "/companies/\(cid)/service_accounts/\(id)")
            #expect(shown.status == .ok)
            #expect(shown.json["client_secret"] is NSNull, "the key is sent, as null: the secret is shown only once")
            #expect(!shown.text.contains(secret))
            let listed = try await app.admin(.get, "/companies/\(cid)/service_accounts")
            #expect(!listed.text.contains(secret))

            let hashes = try await app.runtime.store.database.withConnection { db in
                try await db.raw("SELECT hash FROM client_secrets").all().map { try $0.decode(column: "hash", as: String.self) }
            }
            #expect(hashes.count == 1)
            for hash in hashes {
                #expect(hash.hasPrefix("hmac-sha256$"))
                #expect(!hash.contains(secret))
            }
            let sealed = try await app.runtime.store.database.withConnection { db in
                try await db.raw("SELECT sealed_private_key FROM signing_keys").all().map { try $0.decode(column: "sealed_private_key", as: String.self) }
            }
            #expect(!sealed.isEmpty && sealed.allSatisfy { $0.hasPrefix("aes-256-gcm$") })
        }
    }

    @Test func unknownServiceAccountIs404() async throws {
        try await TestApp.run(.sqlite) { app in
            let cid = try await app.createCompany()
            let other = try await app.createCompany("Other")
            let account = try await app.createServiceAccount(company: cid)
            #expect(try await app.admin(.get, "/companies/\(other)/service_accounts/\(account.id)").status == .notFound)
            #expect(try await app.admin(.get, "/companies/\(cid)/service_accounts/999").status == .notFound)
        }
    }

    @Test func healthAndReadiness() async throws {
        try await TestApp.run(.sqlite) { app in
            let health = try await app.request(.get, "/health")
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            #expect(try await app.request(.get, "/ready").status == .ok)
            #expect(health.header("X-Request-Id") != nil)
        }
    }
}

@Suite("Operator tokens")
struct OperatorTokenTests {
    @Test(arguments: StoreKind.enabled)
    func tokensFromAdminTokenCreateWorkAndAreAuditedByName(_ kind: StoreKind) async throws {
        try await TestApp.run(kind, configure: { $0.adminToken = nil }) { app in
            var logger = Logger(label: "cli")
            logger.logLevel = .warning
            let token = try await createAdminToken(name: "ci-bot", configuration: app.configuration, logger: logger)
            #expect(Data(base64URLEncoded: token)?.count == 32)
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let created = try await app.request(.post, "/admin/v1/companies", headers: headers, body: #"{"name":"Via CLI token"}"#)
            #expect(created.status == .created)
            let audit = try await app.request(.get, "/admin/v1/audit", headers: headers).jsonArray
            #expect(audit.first { $0["action"] as? String == "company.create" }?["actor"] as? String == "operator:ci-bot")
            #expect(try await app.request(.get, "/admin/v1/companies", headers: [.authorization: "Bearer \(token)x"]).status == .unauthorized)
            let stored = try await app.runtime.store.database.withConnection { db in
                try await db.raw("SELECT hash FROM admin_tokens").all().map { try $0.decode(column: "hash", as: String.self) }
            }
            #expect(stored.count == 1 && !stored[0].contains(token) && stored[0].hasPrefix("hmac-sha256$"))
        }
    }
}
