import Foundation
import GatehouseCore
import HTTPTypes

/// The headers that announce the end of traditional service accounts: `Deprecation` (RFC 9745, a structured
/// date `@<unix seconds>`), `Sunset` (RFC 8594, an HTTP-date) and, on the token endpoint only, a `Link` with
/// `rel="deprecation"` to the migration guide.
///
/// They depend on the policy and the issuer alone, so they are computed once (``Headers``), not per call:
/// a `DateFormatter` per REST call of a deprecated account cost ICU set-up every time.
enum Deprecation {
    struct Headers: Sendable {
        /// For `/rest` answers: `Deprecation` and `Sunset`, and no `Link`. Procore's Ruby SDK reads every `Link`
        /// entry as a page link and raises on any other (docs/decisions.md, "Procore's SDKs").
        let rest: HTTPFields
        /// For the token endpoint: the same, plus the `Link` to the migration guide.
        let token: HTTPFields

        init(policy: SunsetPolicy, issuer: String) {
            let rest: HTTPFields = [.deprecation: "@\(policy.deprecatedAt.unixSeconds)", .sunset: Deprecation.httpDate(policy.sunsetAt)]
            var token = rest
            token[.link] = "<\(issuer)/docs/migration>; rel=\"deprecation\"; type=\"text/html\""
            self.rest = rest
            self.token = token
        }
    }

    /// IMF-fixdate (RFC 9110 §5.6.7), e.g. `Wed, 01 Jan 2025 00:00:00 GMT`.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
