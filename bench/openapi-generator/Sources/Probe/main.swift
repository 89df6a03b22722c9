import Foundation
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// The same answer two ways: a generated handler behind the OpenAPI transport, and a plain Hummingbird route.
struct Handler: APIProtocol {
    func get__health(_ input: Operations.get__health.Input) async throws -> Operations.get__health.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }
}

struct Health: ResponseEncodable { let status: String }

let router = Router()
router.get("plain") { _, _ in Health(status: "ok") }
try Handler().registerHandlers(on: router)
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 18099)))
try await app.runService()
