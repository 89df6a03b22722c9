import Hummingbird
import Synchronization

/// The registered routes, so an unmatched request can be told apart: a path nothing serves (404) or a path
/// served under other methods (405 with `Allow`, RFC 9110 §15.5.6). Filled once the router is complete, and
/// read only on the error path.
public final class RouteTable: Sendable {
    public struct Route: Sendable {
        let segments: [Substring]
        public let method: String
        /// The path as registered, with `:name` (or `{name}`) for each parameter.
        public var path: String { "/" + segments.joined(separator: "/") }
        /// The names of the path's parameters, in order.
        public var parameters: [String] {
            segments.compactMap { s in
                if s.hasPrefix(":") { return String(s.dropFirst()) }
                if s.hasPrefix("{"), s.hasSuffix("}") { return String(s.dropFirst().dropLast()) }
                return nil
            }
        }
    }

    /// Every registered route.
    public var all: [Route] { routes.withLock { $0 } }

    private let routes = Mutex<[Route]>([])

    func load(_ descriptions: [(path: String, method: String)]) {
        let parsed = descriptions.map { Route(segments: $0.path.split(separator: "/"), method: $0.method) }
        routes.withLock { $0 = parsed }
    }

    /// The methods served at `path`, sorted; empty when no route matches it at all. HEAD comes with GET, as
    /// Hummingbird answers it.
    ///
    /// Where a literal segment and a parameter both match (`/keys/rotate` and `/keys/{kid}`), only the routes
    /// with the most literal segments count, as the router's trie prefers the literal.
    func allowedMethods(for path: String) -> [String] {
        let requested = path.split(separator: "/")
        let matching = routes.withLock({ $0 }).filter { Self.matches($0.segments, requested) }
        let literals = { (route: Route) in route.segments.filter { !($0.hasPrefix(":") || $0.hasPrefix("{") || $0.hasPrefix("*")) }.count }
        let best = matching.map(literals).max() ?? 0
        var methods = Set<String>()
        for route in matching where literals(route) == best {
            methods.insert(route.method)
            if route.method == "GET" { methods.insert("HEAD") }
        }
        return methods.sorted()
    }

    /// `:name` and `{name}` match one segment, `*` one, `**` the rest.
    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        var i = 0
        for (index, element) in pattern.enumerated() {
            if element == "**" { return path.count > index }
            guard i < path.count else { return false }
            let isParameter = element.hasPrefix(":") || (element.hasPrefix("{") && element.hasSuffix("}")) || element == "*"
            if !isParameter && element != path[i] { return false }
            i += 1
        }
        return i == path.count
    }
}
