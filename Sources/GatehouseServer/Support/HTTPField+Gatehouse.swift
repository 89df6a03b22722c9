import HTTPTypes

/// Header names Gatehouse sets or reads beyond the standard set.
extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
    static let procoreCompanyID = HTTPField.Name("Procore-Company-Id")!
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let deprecation = HTTPField.Name("Deprecation")!
    static let sunset = HTTPField.Name("Sunset")!
    static let link = HTTPField.Name("Link")!
    static let total = HTTPField.Name("Total")!
    static let perPage = HTTPField.Name("Per-Page")!
    static let rateLimitLimit = HTTPField.Name("X-Rate-Limit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-Rate-Limit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-Rate-Limit-Reset")!
}

extension HTTPField.Name {
    static let retryAfterHeader = HTTPField.Name("Retry-After")!
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}

extension HTTPFields {
    /// For every answer that carries a secret: no cache may keep it.
    static var noStore: HTTPFields { [.cacheControl: "no-store", .pragma: "no-cache"] }
}

extension HTTPField.Name {
    static let referrerPolicyHeader = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptionsHeader = HTTPField.Name("X-Frame-Options")!
}
