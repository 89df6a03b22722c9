import Foundation

/// The timetable for traditional service accounts, after Procore's notice.
///
/// The dates are instants; the sunset default is the *end* of 2024-12-31 UTC, so accounts work
/// through that whole day.
public struct SunsetPolicy: Sendable, Equatable {
    public enum Phase: String, Sendable, Codable {
        case active
        case deprecated
        case creationBlocked = "creation_blocked"
        case sunset
    }

    public var deprecatedAt: Date
    public var creationBlockedAt: Date
    public var sunsetAt: Date

    /// Refuses dates out of order: a policy that blocks creation after the sunset has no meaning.
    public init(deprecatedAt: Date, creationBlockedAt: Date, sunsetAt: Date) throws(ValidationError) {
        guard deprecatedAt <= creationBlockedAt, creationBlockedAt <= sunsetAt else {
            throw ValidationError(
                "sunset policy dates must be in order: deprecated <= creation blocked <= sunset",
                fields: ["deprecated_at": "\(deprecatedAt)", "creation_blocked_at": "\(creationBlockedAt)", "sunset_at": "\(sunsetAt)"]
            )
        }
        self.deprecatedAt = deprecatedAt
        self.creationBlockedAt = creationBlockedAt
        self.sunsetAt = sunsetAt
    }

    /// Procore's dates: deprecated 2021-12-09, creation blocked 2024-10-01, sunset at the end of 2024-12-31 UTC.
    public static let procore = try! SunsetPolicy(
        deprecatedAt: Date(timeIntervalSince1970: 1_639_008_000),      // 2021-12-09T00:00:00Z
        creationBlockedAt: Date(timeIntervalSince1970: 1_727_740_800), // 2024-10-01T00:00:00Z
        sunsetAt: Date(timeIntervalSince1970: 1_735_689_600)           // 2025-01-01T00:00:00Z
    )

    public func phase(at now: Date) -> Phase {
        if now >= sunsetAt { return .sunset }
        if now >= creationBlockedAt { return .creationBlocked }
        if now >= deprecatedAt { return .deprecated }
        return .active
    }

    /// Why a traditional account cannot be created now, or nil when it can: creation is refused from the
    /// creation-blocked phase on (422, naming DMSA as the way forward).
    public func creationRefusal(at now: Date) -> ValidationError? {
        let phase = phase(at: now)
        guard phase == .creationBlocked || phase == .sunset else { return nil }
        let day = ISO8601DateFormatter().string(from: creationBlockedAt)
        return ValidationError(
            "Creating traditional service accounts is blocked since \(day). Create a developer managed service account (DMSA) app and install it instead; existing accounts can be moved with the migrate action.",
            fields: ["app_type": "traditional service accounts can no longer be created; use a DMSA app"]
        )
    }

    /// Whether a traditional account's tokens and token requests still work.
    public func traditionalAccountsWork(at now: Date) -> Bool { phase(at: now) != .sunset }

    /// Whether answers to a traditional account carry the deprecation headers.
    public func isDeprecated(at now: Date) -> Bool { phase(at: now) != .active }

    /// Parses `YYYY-MM-DD` (the start of that day UTC) or a full ISO 8601 time.
    /// `endOfDay` makes a bare date mean the end of that day, as the sunset date does.
    public static func parseDate(_ text: String, endOfDay: Bool = false) -> Date? {
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date }
        iso.formatOptions = [.withFullDate]
        guard let day = iso.date(from: text) else { return nil }
        return endOfDay ? day.addingTimeInterval(86_400) : day
    }
}
