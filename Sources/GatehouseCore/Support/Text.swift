import Foundation

/// Trims, and treats whitespace-only as missing: the rule every free-text input shares, whichever door it
/// came through.
public func cleaned(_ value: String?) -> String? {
    guard let value else { return nil }
    let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? nil : trimmed
}
