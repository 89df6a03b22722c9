import Foundation

extension Dictionary where Key == String, Value == String {
    /// The fields of a form's bracketed group: `tool[admin]=standard` read as `["admin": "standard"]` for `tool`.
    /// The level matrices, the manifest builder and the membership form all post their choices this way.
    func bracketed(_ name: String) -> [String: String] {
        var picked: [String: String] = [:]
        for (key, value) in self where key.hasPrefix(name + "[") && key.hasSuffix("]") {
            picked[String(key.dropFirst(name.count + 1).dropLast())] = value
        }
        return picked
    }
}

/// The manifest the console's builder submits: the one shape a DMSA version's manifest takes, with the tools
/// left at None omitted. The builder shows it beside the form and posts it, so the two never differ.
func builderManifest(company: [String: String], project: [String: String]) -> [String: Any] {
    [
        "schema_version": "4.1", "components": ["data_connector": ["service_account": NSNumber(value: true)]],
        "permissions": ["company": company.filter { $0.value != "none" }, "project": project.filter { $0.value != "none" }],
    ]
}

extension Sequence {
    /// `map` with an async transform, in order, one element at a time.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
