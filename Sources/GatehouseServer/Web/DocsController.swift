import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// `/docs/migration`: the page the `Link: rel="deprecation"` header points to.
struct DocsController: Sendable {
    let configuration: GatehouseConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("docs/migration", use: migration)
    }

    @Sendable func migration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let policy = configuration.sunsetPolicy
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        let html = Templates.page("migration", title: "Migrating to DMSA", [
            "deprecated": f.string(from: policy.deprecatedAt),
            "blocked": f.string(from: policy.creationBlockedAt),
            "sunset": Deprecation.httpDate(policy.sunsetAt),
            "phase": policy.phase(at: configuration.clock.now).rawValue,
        ])
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
