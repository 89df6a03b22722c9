import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// A token request parsed from any of the accepted encodings, before the client is authenticated.
struct TokenRequest: Sendable {
    var parameters: [String: String]
    var credentials: ClientCredentials

    /// Parses the body (form, JSON or multipart) and the Authorization header.
    ///
    /// RFC 6749 §2.3: a client uses one authentication method per request, so Basic together with body
    /// credentials is refused rather than guessed at. Unknown parameters are ignored (§3.2).
    static func parse(_ request: inout Request, maxSize: Int) async throws -> TokenRequest {
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxSize)
        } catch {
            throw OAuthError(.invalidRequest, "request body is too large")
        }
        return try parse(body: body, contentType: request.headers[.contentType], authorization: request.headers[.authorization])
    }

    /// The parse itself, on bytes already read: what the fuzz target `token-request` drives.
    static func parse(body: ByteBuffer, contentType rawContentType: String?, authorization: String?) throws -> TokenRequest {
        let contentType = rawContentType?.lowercased() ?? ""
        let parameters: [String: String]
        let text = String(buffer: body)
        if contentType.hasPrefix("application/json") {
            parameters = try parseJSON(Data(buffer: body))
        } else if contentType.hasPrefix("multipart/form-data") {
            guard let boundary = MultipartForm.boundary(from: rawContentType ?? "") else {
                throw OAuthError(.invalidRequest, "multipart/form-data needs a boundary")
            }
            parameters = try MultipartForm.parse(Data(buffer: body), boundary: boundary)
        } else if contentType.hasPrefix("application/x-www-form-urlencoded") || (contentType.isEmpty && !text.isEmpty) {
            parameters = try FormURLEncoded.parse(text)
        } else if text.isEmpty {
            parameters = [:]
        } else {
            throw OAuthError(.invalidRequest, "unsupported content type; use application/x-www-form-urlencoded, application/json or multipart/form-data")
        }
        // Byte by byte: a NUL is the byte 0 in UTF-8, and `contains("\0")` walked grapheme clusters (the parse was 7 %
        // of issuance in the issue-27 profile). This also finds a NUL that a combining mark follows.
        if parameters.contains(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) }) {
            throw OAuthError(.invalidRequest, "parameters must not contain the NUL character")
        }
        for (name, limit) in Self.limits {
            if let value = parameters[name], value.utf8.count > limit {
                throw OAuthError(.invalidRequest, "\(name) is longer than \(limit) bytes")
            }
        }

        if let authorization, authorization.lowercased().hasPrefix("basic ") {
            guard parameters["client_secret"] == nil, parameters["client_assertion"] == nil else {
                throw OAuthError(.invalidRequest, "use one client authentication method, not Basic and body credentials together")
            }
            guard let (id, secret) = decodeBasic(String(authorization.dropFirst(6))) else {
                throw OAuthError(.invalidClient, "malformed Basic credentials", challengeBasic: true)
            }
            guard id.utf8.count <= Self.limits["client_id"]!, secret.utf8.count <= Self.limits["client_secret"]! else {
                throw OAuthError(.invalidClient, "Basic credentials are longer than the limits (client_id 128 bytes, secret 512)", challengeBasic: true)
            }
            if let bodyID = parameters["client_id"], bodyID != id {
                throw OAuthError(.invalidRequest, "client_id in the body does not match the Basic credentials")
            }
            return TokenRequest(parameters: parameters, credentials: ClientCredentials(clientID: id, secret: ClientSecret(secret), method: .basic))
        }

        if let assertion = parameters["client_assertion"] {
            guard parameters["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                throw OAuthError(.invalidRequest, "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            }
            return TokenRequest(
                parameters: parameters,
                credentials: ClientCredentials(clientID: parameters["client_id"] ?? ClientAssertionVerifier.unverifiedSubject(of: assertion) ?? "",
                                               secret: nil, assertion: assertion, method: .privateKeyJWT)
            )
        }
        guard let clientID = parameters["client_id"], !clientID.isEmpty else {
            throw OAuthError(.invalidClient, "client authentication is required: send client_id and client_secret")
        }
        guard let secret = parameters["client_secret"], !secret.isEmpty else {
            throw OAuthError(.invalidClient, "client_secret is required")
        }
        return TokenRequest(parameters: parameters, credentials: ClientCredentials(clientID: clientID, secret: ClientSecret(secret), method: .post))
    }

    /// Caps applied at the parser, before any lookup, cache or audit row sees the value: what an
    /// unauthenticated caller sends is bounded in bytes wherever it goes next. Gatehouse's own ids are 43
    /// characters and its secrets 43; assertions are a few hundred bytes.
    static let limits: [String: Int] = [
        "client_id": 128, "client_secret": 512, "client_assertion": 16_384, "client_assertion_type": 128,
        "grant_type": 64, "scope": 1_024,
    ]

    /// RFC 6749 §2.3.1: the id and secret are form-encoded before Basic encoding, so decode both.
    static func decodeBasic(_ encoded: String) -> (String, String)? {
        guard let data = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        guard let id = FormURLEncoded.decode(String(text[..<colon])),
              let secret = FormURLEncoded.decode(String(text[text.index(after: colon)...])),
              !id.isEmpty
        else { return nil }
        return (id, secret)
    }

    static func parseJSON(_ data: Data) throws -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw OAuthError(.invalidRequest, "request body is not a JSON object")
        }
        var result: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: result[key] = string
            case let number as NSNumber: result[key] = number.stringValue
            default: continue   // unknown structured parameters are ignored, like unknown form parameters
            }
        }
        return result
    }
}

/// `application/x-www-form-urlencoded` as RFC 6749 Appendix B uses it.
enum FormURLEncoded {
    /// Repeated parameters are refused (RFC 6749 §3.2: parameters MUST NOT be included more than once).
    /// Split on the bytes `&` and `=`, as the URL standard's parser does: splitting the `String` walked it by
    /// grapheme and was 4 % of token issuance in the profile.
    static func parse(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = Substring(pair[..<(equals ?? pair.endIndex)])
            let raw = equals.map { Substring(pair[pair.index(after: $0)...]) } ?? ""
            guard let key = decode(name), let value = decode(raw) else {
                throw OAuthError(.invalidRequest, "malformed form encoding")
            }
            if result[key] != nil { throw OAuthError(.invalidRequest, "parameter '\(key)' is repeated") }
            result[key] = value
        }
        return result
    }

    /// `+` is a space and `%XX` a byte; a stray `%` or bytes that are not UTF-8 make the whole value invalid.
    /// Byte by byte: Foundation's `replacingOccurrences` and `removingPercentEncoding` were 7 % of token
    /// issuance in the profile.
    static func decode(_ text: some StringProtocol) -> String? {
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(text) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high != utf8.endIndex else { return nil }
                let low = utf8.index(after: high)
                guard low != utf8.endIndex, let h = hexValue(utf8[high]), let l = hexValue(utf8[low]) else { return nil }
                bytes.append(h << 4 | l)
                index = low
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A minimal `multipart/form-data` reader for text fields, which is all a token request carries.
enum MultipartForm {
    static func boundary(from contentType: String) -> String? {
        for part in contentType.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("boundary=") {
                var value = String(trimmed.dropFirst("boundary=".count))
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    static func parse(_ body: Data, boundary: String) throws -> [String: String] {
        guard let text = String(data: body, encoding: .utf8) else { throw OAuthError(.invalidRequest, "multipart body is not UTF-8") }
        var result: [String: String] = [:]
        let delimiter = "--" + boundary
        for rawPart in text.components(separatedBy: delimiter).dropFirst() {
            if rawPart.hasPrefix("--") { break }
            var part = Substring(rawPart)
            // "\r\n" is a single Character in Swift, so drop by its own count, not by 2.
            if part.hasPrefix("\r\n") { part = part.dropFirst("\r\n".count) }
            guard let headerEnd = part.range(of: "\r\n\r\n") else { throw OAuthError(.invalidRequest, "malformed multipart part") }
            let headers = part[..<headerEnd.lowerBound]
            var value = String(part[headerEnd.upperBound...])
            if value.hasSuffix("\r\n") { value = String(value.dropLast("\r\n".count)) }
            guard let name = fieldName(in: String(headers)) else { throw OAuthError(.invalidRequest, "multipart part without a name") }
            if result[name] != nil { throw OAuthError(.invalidRequest, "parameter '\(name)' is repeated") }
            result[name] = value
        }
        return result
    }

    private static func fieldName(in headers: String) -> String? {
        for line in headers.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            guard let range = line.range(of: "name=\"") else { continue }
            let rest = line[range.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            return String(rest[..<end])
        }
        return nil
    }
}
