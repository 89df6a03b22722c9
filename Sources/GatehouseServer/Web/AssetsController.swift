import Foundation
import Hummingbird
import NIOCore

/// `/assets/console.css` and `/assets/console.js`, read once at start-up from the module's resources. The
/// console's Content-Security-Policy allows only these, so no inline style or script is ever needed.
struct AssetsController: Sendable {
    let files: [String: (contentType: String, body: ByteBuffer)]

    static func load() throws -> AssetsController {
        guard let folder = Bundle.module.url(forResource: "Assets", withExtension: nil) else {
            throw ConfigurationError("the console assets are missing from the build")
        }
        var files: [String: (String, ByteBuffer)] = [:]
        for (name, type) in [("console.css", "text/css; charset=utf-8"), ("console.js", "text/javascript; charset=utf-8")] {
            files[name] = (type, ByteBuffer(data: try Data(contentsOf: folder.appendingPathComponent(name))))
        }
        return AssetsController(files: files)
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("assets/:file") { _, context in
            guard let name = context.parameters.get("file"), let file = files[name] else { throw APIError.notFound("asset") }
            return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=3600", .xContentTypeOptions: "nosniff"],
                            body: .init(byteBuffer: file.body))
        }
    }
}
