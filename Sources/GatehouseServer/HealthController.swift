import GatehouseStore
import Hummingbird

/// `/health` says the process serves; `/ready` also checks the database answers.
struct HealthController: Sendable {
    let store: SQLStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in try JSONResponse.make(["status": "ok"]) }
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
