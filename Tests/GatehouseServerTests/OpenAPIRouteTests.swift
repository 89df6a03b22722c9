import Foundation
import GatehouseCore
@testable import GatehouseServer
import Testing

/// The OpenAPI document and the router cannot drift apart.
@Suite("OpenAPI document")
struct OpenAPIRouteTests {
    static func routes(_ app: TestApp) async throws -> [(method: String, path: String)] {
        let renderer = try await Renderer.load(policy: app.configuration.sunsetPolicy, clock: app.configuration.clock)
        let router = buildRouter(store: app.runtime.store, runtime: app.runtime, configuration: app.configuration, renderer: renderer,
                                 assets: try AssetsController.load(), openAPI: try OpenAPIController.load(renderer: renderer))
        return router.routes.map { (method: $0.method.rawValue, path: $0.path.description) }
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() async throws {
        try await TestApp.run(.sqlite) { app in
            let drift = try OpenAPIController.drift(routes: try await Self.routes(app), document: try OpenAPIController.documentData())
            #expect(drift.undocumented == [], "routes missing from openapi.json (edit openapi/generate.py)")
            #expect(drift.unserved == [], "documented operations no route serves")
        }
    }

    /// The comparison itself can fail: a route added without documentation is reported, and so is a document
    /// entry whose route was removed.
    @Test func anUndocumentedRouteIsReported() async throws {
        try await TestApp.run(.sqlite) { app in
            var routes = try await Self.routes(app)
            routes.append((method: "POST", path: "/admin/v1/companies/{cid}/widgets"))
            routes.removeAll { $0.method == "GET" && $0.path == "/rest/v1.0/me" }
            let drift = try OpenAPIController.drift(routes: routes, document: try OpenAPIController.documentData())
            #expect(drift.undocumented == ["POST /admin/v1/companies/{cid}/widgets"])
            #expect(drift.unserved == ["GET /rest/v1.0/me"])
        }
    }

    @Test func theDocumentAndItsReferenceAreServed() async throws {
        try await TestApp.run(.sqlite) { app in
            let document = try await app.request(.get, "/openapi.json")
            #expect(document.status == .ok)
            #expect(document.header("Content-Type") == "application/json")
            let root = try JSONSerialization.jsonObject(with: Data(document.text.utf8)) as? [String: Any]
            #expect(root?["openapi"] as? String == "3.1.0")
            let page = try await app.request(.get, "/docs/api")
            #expect(page.status == .ok)
            #expect(page.text.contains("<code>POST /oauth/token</code>"))
            #expect(page.text.contains("id=\"schema-ServiceAccount\""))
        }
    }
}
