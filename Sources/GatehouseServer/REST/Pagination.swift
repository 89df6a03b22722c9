import Foundation
import Hummingbird

/// Procore's list paging: `page` (1-based) and `per_page`, answered with `Total`, `Per-Page` and `Link`.
struct Pagination: Sendable {
    static let defaultPerPage = 100
    static let maxPerPage = 1000

    /// The last page anyone may ask for. Every page past the end is empty, so clamping a larger number (even one
    /// past 64 bits) changes no answer, and keeps `offset` and the next page's number far from overflow.
    static let maxPage = 1_000_000

    let page: Int
    let perPage: Int

    var limit: Int { perPage }
    var offset: Int { (page - 1) * perPage }

    /// `page` and `per_page` through the one reader (``QueryReader/clamped(_:in:default:)``): below 1 or not an
    /// integer is a 400 naming the parameter; above the maximum is clamped, as Procore does for `per_page`.
    /// Console pages fix `perPage` and read only `page`.
    init(_ request: Request, perPage fixed: Int? = nil) throws {
        let query = request.query
        self.page = Int(try query.clamped("page", in: 1...Int64(Self.maxPage), default: 1))
        self.perPage = try fixed ?? Int(query.clamped("per_page", in: 1...Int64(Self.maxPerPage), default: Int64(Self.defaultPerPage)))
    }

    /// Whether a page follows this one, for the console's "Next" link.
    func hasNext(total: Int) -> Bool { page * perPage < total }

    /// `Total`, `Per-Page` and an RFC 8288 `Link` with first/prev/next/last, keeping the other query parameters.
    ///
    /// The links are absolute, on the issuer, as Procore's pagination docs show: Python `requests` follows
    /// `r.links["next"]["url"]` as given and refuses a relative one. `Link` holds these page links and nothing
    /// else, because Procore's Ruby SDK reads every entry of it as a page link (docs/decisions.md).
    func headers(total: Int, request: Request, context: some GatehouseRequestContext) -> HTTPFields {
        let lastPage = max(1, (total + perPage - 1) / perPage)
        var links: [String] = []
        func link(_ page: Int, _ rel: String) {
            var components = URLComponents()
            components.path = request.uri.path
            var items = request.uri.queryParameters.filter { $0.key != "page" && $0.key != "per_page" }
                .map { URLQueryItem(name: String($0.key), value: String($0.value)) }
                .sorted { $0.name < $1.name }
            items.append(URLQueryItem(name: "page", value: "\(page)"))
            items.append(URLQueryItem(name: "per_page", value: "\(perPage)"))
            components.queryItems = items
            links.append("<\(context.issuer)\(components.string ?? request.uri.path)>; rel=\"\(rel)\"")
        }
        link(1, "first")
        if page > 1 { link(min(page - 1, lastPage), "prev") }
        if page < lastPage { link(page + 1, "next") }
        link(lastPage, "last")
        return [.total: "\(total)", .perPage: "\(perPage)", .link: links.joined(separator: ", ")]
    }
}

extension Pagination {
    /// A list the store returns whole (a company's templates, an app's companies: tens of rows), paged here
    /// with the same parameters and headers as every other list.
    static func respond<T: Encodable>(_ items: [T], _ request: Request, _ context: some GatehouseRequestContext) throws -> Response {
        let paging = try Pagination(request)
        let page = items.dropFirst(min(paging.offset, items.count)).prefix(paging.limit)
        return try JSONResponse.make(Array(page), headers: paging.headers(total: items.count, request: request, context: context))
    }
}
