import Foundation
import Hummingbird
import NIOCore

/// Decoding of JSON request bodies into `Decodable` inputs, with errors that name the field.
extension Request {
    /// Reads and decodes a JSON body. Malformed JSON is a 400; a wrong type is a 422 naming the field.
    /// `limit` raises the context's upload size for the one endpoint that takes whole documents (`apply`).
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, context: some RequestContext, limit: Int? = nil) async throws -> T {
        let buffer: ByteBuffer
        let limit = limit ?? context.maxUploadSize
        do {
            buffer = try await collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "request body is larger than \(limit) bytes")
        }
        let data = Data(buffer: buffer)
        if data.isEmpty { throw APIError.badRequest("request body must be a JSON object", code: "invalid_json") }
        // PostgreSQL cannot store a NUL in text, and no field of ours has a use for one: refuse it on every store.
        if Self.containsNUL(data) {
            throw APIError.unprocessable("strings must not contain the NUL character (\\u0000)", fields: ["body": "contains a NUL character"])
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.typeMismatch(expected, ctx) {
            throw APIError.unprocessable("invalid field type", fields: [ctx.codingPath.dottedPath: "must be \(Self.typeName(expected))"])
        } catch let DecodingError.valueNotFound(expected, ctx) {
            throw APIError.unprocessable("missing value", fields: [ctx.codingPath.dottedPath: "must be \(Self.typeName(expected))"])
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw APIError.unprocessable("missing field", fields: [(ctx.codingPath + [key]).dottedPath: "is required"])
        } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            throw APIError.unprocessable("invalid field value", fields: [ctx.codingPath.dottedPath: ctx.debugDescription])
        } catch {
            throw APIError.badRequest("request body is not valid JSON", code: "invalid_json")
        }
    }

    /// A raw NUL byte, or JSON's `\u0000` escape in any letter case.
    static func containsNUL(_ data: Data) -> Bool {
        if data.contains(0) { return true }
        let text = String(decoding: data, as: UTF8.self).lowercased()
        return text.contains("\\u0000")
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type: "an integer"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}

extension Array where Element == any CodingKey {
    var dottedPath: String {
        map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// Path parameters as ids. A non-numeric id is a 400; a well-formed id that cannot exist (≤ 0) is a 404,
/// so probing never reaches the store with garbage and never yields a 500.
extension Parameters {
    func id(_ name: String, resource: String) throws -> Int64 {
        guard let raw = self.get(name) else { throw APIError.badRequest("missing path parameter \(name)") }
        switch RequestNumber.parse(raw) {
        case .integer(let id) where id > 0: return id
        case .integer, .tooLarge, .tooSmall: throw APIError.notFound(resource)
        case .notANumber: throw APIError.badRequest("\(name) must be an integer id", code: "invalid_id", fields: [name: "must be an integer"])
        }
    }
}

extension Request {
    /// True when a POST carries nothing to decode, so optional inputs (rotation overlap, key activation delay)
    /// take their defaults.
    var hasNoBody: Bool { headers[.contentLength] == "0" || headers[.contentType] == nil }

    /// The body as text, bounded by the context's upload limit.
    mutating func bodyText(context: some RequestContext) async throws -> String {
        do {
            return String(buffer: try await collectBody(upTo: context.maxUploadSize))
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "request body is larger than \(context.maxUploadSize) bytes")
        }
    }
}
