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

/// What is wrong with one text field, phrased for a `fields` entry ("is required", "at most 200 characters").
public struct TextProblem: Error, Sendable, Equatable {
    public let message: String
}

/// A required name, the rule every name shares whichever door it came through: trimmed, not blank, and at most
/// `maxLength` code points as sent. The limit applies before trimming, since it is the published document's
/// `maxLength`, which a client checks on what it sends.
public func requiredName(_ raw: String?, maxLength: Int) -> Result<String, TextProblem> {
    guard let raw, let name = cleaned(raw) else { return .failure(TextProblem(message: "is required")) }
    guard raw.textLength <= maxLength else { return .failure(TextProblem(message: "at most \(maxLength) characters")) }
    return .success(name)
}

extension Result where Success == String, Failure == TextProblem {
    /// The text, or a ``ValidationError`` that names `field`.
    public func value(for field: String) throws(ValidationError) -> String {
        switch self {
        case .success(let text): return text
        case .failure(let problem): throw ValidationError("\(field) \(problem.message)", fields: [field: problem.message])
        }
    }

    /// The text, recording the problem in `fields` under `field` instead.
    public func value(for field: String, into fields: inout [String: String]) -> String? {
        switch self {
        case .success(let text): return text
        case .failure(let problem):
            fields[field] = problem.message
            return nil
        }
    }
}
