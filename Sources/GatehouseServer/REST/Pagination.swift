import Foundation
import Hummingbird

/// Procore's list paging: `page` (1-based) and `per_page`, answered with `Total`, `Per-Page` and `Link`.
struct Pagination: Sendable {
    static let defaultPerPage = 100
    static let maxPerPage = 1000

    let page: Int
    let perPage: Int

    var limit: Int { perPage }
    var offset: Int { (page - 1) * perPage }

    /// Bad values are a 400 that names the parameter; `per_page` above the maximum is clamped, as Procore does.
    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        func parse(_ name: String, default value: Int) throws -> Int {
            guard let raw = query[name[...]] else { return value }
            guard let number = Int(raw), number >= 1 else {
                throw APIError.badRequest("\(name) must be a positive integer", code: "invalid_parameter", fields: [name: "must be a positive integer"])
            }
            return number
        }
        self.page = try parse("page", default: 1)
        self.perPage = min(try parse("per_page", default: Self.defaultPerPage), Self.maxPerPage)
        guard page <= Int.max / perPage else {
            throw APIError.badRequest("page is too large", code: "invalid_parameter", fields: ["page": "is too large"])
        }
    }

    /// `Total`, `Per-Page` and an RFC 8288 `Link` with first/prev/next/last, keeping the other query parameters.
    func headers(total: Int, request: Request) -> HTTPFields {
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
            links.append("<\(components.string ?? request.uri.path)>; rel=\"\(rel)\"")
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
    static func respond<T: Encodable>(_ items: [T], _ request: Request) throws -> Response {
        let paging = try Pagination(request)
        let page = items.dropFirst(min(paging.offset, items.count)).prefix(paging.limit)
        return try JSONResponse.make(Array(page), headers: paging.headers(total: items.count, request: request))
    }
}
