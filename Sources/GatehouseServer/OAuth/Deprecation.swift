import Foundation
import GatehouseCore
import HTTPTypes

/// The headers that announce the end of traditional service accounts: `Deprecation` (RFC 9745, a structured
/// date `@<unix seconds>`), `Sunset` (RFC 8594, an HTTP-date) and a `Link` with `rel="deprecation"` to the
/// migration guide.
enum Deprecation {
    static func headers(policy: SunsetPolicy, issuer: String) -> HTTPFields {
        [
            .deprecation: "@\(Int64(policy.deprecatedAt.timeIntervalSince1970))",
            .sunset: httpDate(policy.sunsetAt),
            .link: "<\(issuer)/docs/migration>; rel=\"deprecation\"; type=\"text/html\"",
        ]
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
