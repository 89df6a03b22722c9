import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// `/docs/migration`: the page the `Link: rel="deprecation"` header points to.
struct DocsController: Sendable {
    let configuration: GatehouseConfiguration
    let renderer: Renderer

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("docs/migration", use: migration)
    }

    @Sendable func migration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let policy = configuration.sunsetPolicy
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        let page = Page.MigrationGuide(deprecated: f.string(from: policy.deprecatedAt), blocked: f.string(from: policy.creationBlockedAt),
                                       sunset: Deprecation.httpDate(policy.sunsetAt), phase: policy.phase(at: configuration.clock.now).rawValue)
        let html = renderer.render(page, title: "Migrating to DMSA", frame: .init())
        return Renderer.html(html)
    }
}
