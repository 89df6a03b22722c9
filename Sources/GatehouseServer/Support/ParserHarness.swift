import Foundation
import GatehouseCore
import GatehouseStore
import JWTKit
import NIOCore

/// Every parser of untrusted bytes, driven the way a request drives it. The libFuzzer targets in `fuzz/` and the
/// regression test that replays their saved inputs call these same functions, so a crash found once stays found.
///
/// Each function only has to return: a parser may refuse its input with any error, but must not trap, hang or
/// read out of bounds.
public enum ParserHarness {
    public static let targets = ["form", "token-request", "multipart", "jwt", "manifest", "company-header", "forwarded-for", "request-number", "document", "json-body"]

    /// Runs one input through the named target. Unknown names do nothing.
    public static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "form": form(bytes)
        case "token-request": tokenRequest(bytes)
        case "multipart": multipart(bytes)
        case "jwt": jwt(bytes)
        case "manifest": manifest(bytes)
        case "company-header": companyHeader(bytes)
        case "forwarded-for": forwardedFor(bytes)
        case "request-number": requestNumber(bytes)
        case "document": document(bytes)
        case "json-body": jsonBody(bytes)
        default: break
        }
    }

    /// The form decoder, as the token endpoint and every console form read a body.
    static func form(_ bytes: [UInt8]) {
        _ = try? FormURLEncoded.parse(String(decoding: bytes, as: UTF8.self))
        _ = FormURLEncoded.decode(String(decoding: bytes, as: UTF8.self))
    }

    /// The whole token-request parse: the first byte picks the content type, the bytes up to the first newline
    /// are the Authorization header, the rest is the body.
    static func tokenRequest(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let types = ["application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=XyZ", "", "text/plain"]
        let rest = bytes.dropFirst()
        let newline = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.startIndex
        let authorization = String(decoding: rest[rest.startIndex..<newline], as: UTF8.self)
        let body = ByteBuffer(bytes: rest[newline...].dropFirst())
        _ = try? TokenRequest.parse(body: body, contentType: types[Int(first) % types.count],
                                    authorization: authorization.isEmpty ? nil : authorization)
        _ = TokenRequest.decodeBasic(authorization)
    }

    /// The multipart reader with a fixed boundary, and the boundary reader on the same bytes as a header.
    static func multipart(_ bytes: [UInt8]) {
        _ = try? MultipartForm.parse(Data(bytes), boundary: "XyZ")
        _ = MultipartForm.boundary(from: String(decoding: bytes, as: UTF8.self))
    }

    /// A bearer token or client assertion before its signature is checked: the header reader, the unverified
    /// issuer, and jwt-kit's parse into both claim types.
    static func jwt(_ bytes: [UInt8]) {
        let token = String(decoding: bytes, as: UTF8.self)
        _ = UnverifiedJWT.header(of: token)
        _ = ClientAssertionVerifier.unverifiedIssuer(of: token)
        _ = ClientAssertionVerifier.unverifiedSubject(of: token)
        _ = ClientAssertionVerifier.keyIDs(in: token)
        let parser = DefaultJWTParser()
        _ = try? parser.parse(bytes, as: AccessTokenClaims.self)
        _ = try? parser.parse(bytes, as: ClientAssertionClaims.self)
    }

    /// Not a parser, a differential: the bodies that write their own JSON (``JSONBody``) against
    /// `JSONEncoder`, on arbitrary text split into fields at newlines. A difference traps on purpose, so libFuzzer
    /// reports it as a crash and keeps the input.
    static func jsonBody(_ bytes: [UInt8]) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        let text = { (index: Int) in parts.indices.contains(index) ? parts[index] : "" }
        let optional = { (index: Int) in parts.indices.contains(index) ? parts[index] : nil }
        var number: Int64 = 0
        for byte in bytes.prefix(8) { number = number << 8 | Int64(byte) }
        let date = Date(timeIntervalSince1970: TimeInterval(number % 400_000_000_000))
        expectSameJSON(MeBody(id: number, login: text(0), name: text(1)))
        expectSameJSON(TokenBody(access_token: text(0), token_type: text(1), expires_in: Int(truncatingIfNeeded: number), created_at: number,
                                 scope: optional(2)))
        let project = Project(id: number, companyID: 1, name: text(0), displayName: optional(1), projectNumber: optional(2), active: number % 2 == 0,
                              stage: optional(3), address: optional(1), city: optional(2), stateCode: optional(3), countryCode: optional(0),
                              zip: optional(1), timeZone: optional(2), createdAt: date, updatedAt: date)
        expectSameJSON(ProjectBody(project, company: Company(id: number, name: text(3), isActive: true)))
        let person = Person(id: number, kind: .user, firstName: text(0), lastName: text(1), email: text(2), jobTitle: optional(3))
        expectSameJSON(UserBody(DirectoryMember(person: person, isEmployee: number % 3 == 0, isActive: true,
                                                permissionTemplateID: parts.count > 2 ? number : nil)))
    }

    private static func expectSameJSON<Body: JSONBody>(_ body: Body) {
        var json = JSONBuffer()
        body.write(to: &json)
        guard let expected = try? JSONResponse.encoder.encode(body) else { return }
        precondition(json.bytes == Array(expected), "\(Body.self) writes other bytes than JSONEncoder")
    }

    /// A developer's manifest as the admin API and the console receive it, and as the store reads it back.
    /// A Gatehouse-as-code document as `POST /admin/v1/apply` reads it: JSON into ``AnyJSON``, then the reader,
    /// then the canonical form an export writes.
    static func document(_ bytes: [UInt8]) {
        guard let tree = try? JSONDecoder().decode(AnyJSON.self, from: Data(bytes)),
              let document = try? DeploymentDocument(reading: tree.value) else { return }
        _ = document.json
    }

    static func manifest(_ bytes: [UInt8]) {
        let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        if let manifest = try? Manifest.validate(object) {
            _ = manifest.companyLevels
            _ = manifest.projectLevels
        }
        _ = try? Manifest.validate(object, requireServiceAccount: false)
        _ = Manifest.stored(String(decoding: bytes, as: UTF8.self))
    }

    static func companyHeader(_ bytes: [UInt8]) {
        _ = try? PrincipalResolver<SQLStoreAlias>.companyID(header: String(decoding: bytes, as: UTF8.self))
    }

    /// `X-Forwarded-For` behind a trusted proxy, and the `--trusted-proxies` range reader on the same text.
    static func forwardedFor(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let middleware = ClientAddressMiddleware(trusted: [AddressRange("10.0.0.0/8")!, AddressRange("::1")!])
        _ = middleware.clientAddress(forwarded: text, peer: "10.1.2.3")
        _ = AddressRange(text)?.contains("10.1.2.3")
    }

    /// The one number reader, and the time reader on the same text.
    static func requestNumber(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = RequestNumber.parse(text)
        _ = RequestNumber.id(text)
        _ = try? RequestNumber.field("n", text)
        _ = Date(unixSeconds: RequestNumber.id(text) ?? 0).iso8601
    }
}

/// The concrete store, only to name the generic types whose static parsers the harness calls.
typealias SQLStoreAlias = SQLStore
