import Foundation

/// Trims, and treats whitespace-only as missing: the rule every free-text input shares, whichever door it
/// came through.
public func cleaned(_ value: String?) -> String? {
    guard let value else { return nil }
    let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? nil : trimmed
}

extension StringProtocol {
    /// A text's length as every limit in the API counts it: in Unicode code points, as JSON Schema's `maxLength`
    /// does, so a client that validates against the published document and the server agree. (`count` counts
    /// grapheme clusters, where a letter followed by an emoji modifier is one.)
    public var textLength: Int { unicodeScalars.count }
}
