import Crypto
import Foundation
import GatehouseStore
import Hummingbird
import NIOCore

/// `/health` says the process serves; `/ready` also checks the database answers.
struct HealthController: Sendable {
    let store: SQLStore
    let metrics: GatehouseMetrics
    /// Whether `/metrics` is on this router; false when `--metrics-address` serves it elsewhere.
    var servesMetrics = true
    var metricsToken: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in try JSONResponse.make(["status": "ok"]) }
        if servesMetrics { MetricsEndpoint(metrics: metrics, token: metricsToken).addRoutes(to: router) }
        router.get("ready") { _, _ in
            do {
                _ = try await store.database.withConnection { db in try await db.raw("SELECT 1 AS one").first() }
                return try JSONResponse.make(["status": "ready"])
            } catch {
                return try JSONResponse.make(["status": "unavailable"], status: .serviceUnavailable)
            }
        }
    }
}

/// The Prometheus scrape endpoint, behind a bearer token when `--metrics-token` is set. Metrics name clients,
/// companies and outcomes, which is more than a stranger should read.
struct MetricsEndpoint: Sendable {
    let metrics: GatehouseMetrics
    let token: String?

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let digest = token.map { SHA256.hash(data: Data($0.utf8)) }
        router.get("metrics") { request, _ in
            if let digest {
                let presented = request.headers[.authorization].flatMap { value in
                    value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst("bearer ".count)) : nil
                }
                // Digests of both sides, so the comparison is constant time over equal lengths.
                guard let presented, SHA256.hash(data: Data(presented.utf8)) == digest else {
                    throw APIError(.unauthorized, code: "unauthorized", message: "/metrics requires the metrics bearer token",
                                   headers: [.wwwAuthenticate: "Bearer realm=\"gatehouse-metrics\""])
                }
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
            )
        }
    }
}
