import Crypto
import Foundation
import GatehouseStore
import Hummingbird
import NIOCore

/// `/health` says the process serves (liveness); `/ready` says it should be sent traffic (readiness): it is not
/// draining for shutdown, the database answers, and the schema is this binary's (no migration running on any
/// node, none pending). A node that is still migrating at start-up is not listening yet.
struct HealthController: Sendable {
    let store: SQLStore
    let readiness: Readiness
    let metrics: GatehouseMetrics
    /// Whether `/metrics` is on this router; false when `--metrics-address` serves it elsewhere.
    var servesMetrics = true
    var metricsToken: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in try JSONResponse.make(["status": "ok"]) }
        if servesMetrics { MetricsEndpoint(metrics: metrics, token: metricsToken).addRoutes(to: router) }
        router.get("ready") { _, _ in
            if readiness.isDraining { return try JSONResponse.make(["status": "draining"], status: .serviceUnavailable) }
            let pending: Bool
            do { pending = try await MigrationRunner().isPending(on: store.database) } catch {
                return try JSONResponse.make(["status": "database_unavailable"], status: .serviceUnavailable)
            }
            if pending { return try JSONResponse.make(["status": "migrating"], status: .serviceUnavailable) }
            return try JSONResponse.make(["status": "ready"])
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
                let presented = BearerToken.from(request)
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
