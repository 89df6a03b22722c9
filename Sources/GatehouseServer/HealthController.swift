import GatehouseStore
import Hummingbird
import NIOCore

/// `/health` says the process serves; `/ready` also checks the database answers.
struct HealthController: Sendable {
    let store: SQLStore
    let metrics: GatehouseMetrics

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
            )
        }
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
