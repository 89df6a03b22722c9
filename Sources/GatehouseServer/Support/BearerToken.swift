import Hummingbird

/// RFC 6750 §2.1: `Authorization: Bearer <token>`. The one reader of bearer tokens, for REST, the admin API, token
/// info and `/metrics`: the scheme is matched without regard to case, and spaces and tabs around the token are
/// dropped. Works on the UTF-8 view: Foundation's `lowercased` and `trimmingCharacters` were 8 % of a REST call in
/// the profile.
enum BearerToken {
    static func from(_ request: Request) -> String? { parse(request.headers[.authorization]) }

    /// The token, or nil when the header is absent, uses another scheme, or carries no token.
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        var view = header.utf8[...]
        let scheme = "bearer".utf8
        guard view.count > scheme.count,
              zip(view.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 }),
              view.dropFirst(scheme.count).first == 0x20
        else { return nil }
        view = view.dropFirst(scheme.count + 1)
        while let first = view.first, first == 0x20 || first == 0x09 { view = view.dropFirst() }
        while let last = view.last, last == 0x20 || last == 0x09 { view = view.dropLast() }
        return view.isEmpty ? nil : String(Substring(view))
    }
}
