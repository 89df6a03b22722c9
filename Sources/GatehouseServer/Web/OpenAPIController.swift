import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// `/openapi.json` and `/docs/api`: the API contract, and a reference page rendered from it.
///
/// The document is `Web/OpenAPI/openapi.json`, written by `openapi/generate.py` and held to the router by
/// `OpenAPIRouteTests`. Both answers are built once at start-up: the document never changes while the server
/// runs, and the page needs nothing from outside (no CDN, no script).
struct OpenAPIController: Sendable {
    let document: ByteBuffer
    let page: String

    /// The document's bytes, from the bundle.
    static func documentData() throws -> Data {
        guard let folder = Bundle.module.url(forResource: "OpenAPI", withExtension: nil) else {
            throw ConfigurationError("the OpenAPI document is missing from the build")
        }
        return try Data(contentsOf: folder.appendingPathComponent("openapi.json"))
    }

    static func load(renderer: Renderer) throws -> OpenAPIController {
        let data = try documentData()
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigurationError("the OpenAPI document is not a JSON object")
        }
        let title = (root["info"] as? [String: Any])?["title"] as? String ?? "Gatehouse"
        let page = referencePage(root, title: title)
        return OpenAPIController(document: ByteBuffer(data: data), page: renderer.render(page, title: "\(title) API reference", frame: .init()))
    }

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: self.document))
        }
        router.get("docs/api") { _, _ in Renderer.html(self.page) }
    }

    /// The page's view: operations grouped by tag, in the document's tag order, then every schema. The document
    /// is read untyped because it is ours and only ever read here; the page it becomes is typed.
    static func referencePage(_ root: [String: Any], title: String) -> Page.APIReference {
        let info = root["info"] as? [String: Any] ?? [:]
        let tagNames = (root["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        var byTag: [String: [Page.APIReference.Operation]] = [:]
        let paths = root["paths"] as? [String: [String: Any]] ?? [:]
        for path in paths.keys.sorted() {
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let operation = paths[path]?[method] as? [String: Any] else { continue }
                let tag = (operation["tags"] as? [String])?.first ?? "Other"
                byTag[tag, default: []].append(operationView(method: method, path: path, operation))
            }
        }
        let tags = tagNames.compactMap { name in
            byTag[name].map { Page.APIReference.Tag(name: name, anchor: anchor(name), operations: $0) }
        }
        let schemas = (root["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        let schemaViews = schemas.keys.sorted().map { name in
            let json = (try? JSONSerialization.data(withJSONObject: schemas[name]!, options: [.prettyPrinted, .sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
            return Page.APIReference.Schema(name: name, json: json)
        }
        return Page.APIReference(title: title, summary: info["summary"] as? String ?? "", description: info["description"] as? String ?? "",
                                 openapi: root["openapi"] as? String ?? "", tags: tags, schemas: schemaViews)
    }

    private static func operationView(method: String, path: String, _ operation: [String: Any]) -> Page.APIReference.Operation {
        let parameters = (operation["parameters"] as? [[String: Any]] ?? []).map { parameter -> Page.APIReference.Parameter in
            if let reference = parameter["$ref"] as? String {
                return .init(name: reference.split(separator: "/").last.map(String.init) ?? reference, in: "see schemas", type: "", required: "", description: "")
            }
            let schema = parameter["schema"] as? [String: Any] ?? [:]
            return .init(name: parameter["name"] as? String ?? "", in: parameter["in"] as? String ?? "", type: schema["type"] as? String ?? "",
                         required: (parameter["required"] as? Bool ?? false) ? "yes" : "no", description: parameter["description"] as? String ?? "")
        }
        var body: Page.APIReference.Body?
        if let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any], let (type, media) = content.first {
            body = .init(contentType: type, schema: schemaName((media as? [String: Any])?["schema"]))
        }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        let description = operation["description"] as? String
        return .init(
            method: method.uppercased(), path: path, summary: operation["summary"] as? String ?? "",
            operationId: operation["operationId"] as? String ?? "", description: description ?? "", hasDescription: description != nil,
            parameters: parameters, hasParameters: !parameters.isEmpty, security: security(operation["security"] as? [[String: Any]] ?? []),
            body: body,
            responses: responses.keys.sorted().map { status in
                let response = responses[status] as? [String: Any] ?? [:]
                var schema: String?
                if let content = response["content"] as? [String: Any], let media = content.values.first as? [String: Any] {
                    schema = schemaName(media["schema"]).nonEmpty
                }
                return .init(status: status, description: response["description"] as? String ?? "", schema: schema)
            })
    }

    private static func schemaName(_ schema: Any?) -> String {
        guard let schema = schema as? [String: Any] else { return "" }
        if let reference = schema["$ref"] as? String { return reference.split(separator: "/").last.map(String.init) ?? "" }
        if let items = schema["items"] { let inner = schemaName(items); return inner.isEmpty ? "" : inner }
        return ""
    }

    private static func security(_ requirements: [[String: Any]]) -> String {
        let names = requirements.flatMap(\.keys)
        if names.isEmpty { return "none" }
        let described = ["operatorToken": "operator token", "session": "company admin session", "accessToken": "access token (Bearer)",
                         "clientBasic": "client credentials (Basic or body)"]
        return names.map { described[$0] ?? $0 }.joined(separator: " or ")
    }

    private static func anchor(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}

extension OpenAPIController {
    /// Path prefixes of the server-rendered console. Its pages are HTML for people, not part of the API
    /// contract; every other route must be in the document.
    static let consolePrefixes = ["/assets/", "/docs/migration", "/login", "/logout", "/switch", "/developer/", "/marketplace", "/companies/"]

    /// Routes the router serves that the document lacks, and operations the document lists that nothing serves,
    /// each as `METHOD /path` with `{name}` parameters.
    static func drift(routes: [(method: String, path: String)], document: Data) throws -> (undocumented: [String], unserved: [String]) {
        let root = try JSONSerialization.jsonObject(with: document) as? [String: Any] ?? [:]
        let paths = root["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
        let served = Set(routes.filter { route in
            route.path != "/" && !consolePrefixes.contains { route.path.hasPrefix($0) || route.path == String($0.dropLast()) }
        }.map { "\($0.method) \($0.path)" })
        return (served.subtracting(documented).sorted(), documented.subtracting(served).sorted())
    }
}
