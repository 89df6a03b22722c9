import Foundation
import GatehouseCore
@testable import GatehouseServer
import Hummingbird
import NIOCore
import Testing

/// Bodies that write their own JSON must write exactly what `JSONResponse.encoder` writes for the same value:
/// Procore clients see one shape whichever path made it, and the `Encodable` conformance stays the definition.
@Suite("JSON bodies")
struct JSONBodyTests {
    /// Every byte below 0x80 (control characters, the quote, the backslash, the slash), then multi-byte UTF-8:
    /// accents, an emoji, U+2028 and U+2029, which JavaScript once could not take raw.
    static let awkward: [String] = [
        "", "plain", String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }), "a/b\\c\"d",
        "Zoë Ø’Brien 🏗️", "line\u{2028}para\u{2029}end", "tab\there\nnew\r\u{0}\u{7F}",
    ]

    func expectSameBytes<Body: JSONBody>(_ body: Body, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try JSONResponse.encoder.encode(body)
        var json = JSONBuffer()
        body.write(to: &json)
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self), sourceLocation: sourceLocation)
        #expect(json.bytes == Array(expected), sourceLocation: sourceLocation)
    }

    /// What the server sends, read back from a response the way Hummingbird writes it.
    func bodyBytes(_ response: Response) async throws -> [UInt8] {
        let writer = CollectingWriter()
        try await response.body.write(writer)
        return Array(writer.buffer.readableBytesView)
    }

    @Test(arguments: awkward)
    func meBodies(_ text: String) throws {
        try expectSameBytes(MeBody(id: 42, login: text, name: text))
        try expectSameBytes(MeBody(id: .max, login: "a@b.c", name: text))
        try expectSameBytes(MeBody(id: .min, login: text, name: ""))
    }

    @Test(arguments: awkward)
    func tokenBodies(_ text: String) throws {
        try expectSameBytes(TokenBody(access_token: text, token_type: "bearer", expires_in: 5400, created_at: 1_700_000_000))
        try expectSameBytes(TokenBody(access_token: "eyJ.x.y", token_type: text, expires_in: 0, created_at: -1, scope: ""))
        try expectSameBytes(TokenBody(access_token: "eyJ.x.y", token_type: "bearer", expires_in: .max, created_at: .max, scope: text))
    }

    @Test(arguments: awkward)
    func projectBodies(_ text: String) throws {
        let company = Company(id: 7, name: text, isActive: true)
        let bare = Project(id: 1, companyID: 7, name: text, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 1))
        let full = Project(
            id: 2, companyID: 7, name: "Tower", displayName: text, projectNumber: text, active: false, stage: text, address: text,
            city: text, stateCode: "CA", countryCode: "US", zip: text, timeZone: "America/Los_Angeles",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.25), updatedAt: Date(timeIntervalSince1970: 1_800_000_000)
        )
        try expectSameBytes(ProjectBody(bare, company: company))
        try expectSameBytes(ProjectBody(full, company: company))
    }

    @Test(arguments: awkward)
    func userBodies(_ text: String) throws {
        let person = Person(id: 9, kind: .user, firstName: text, lastName: "Lee", email: "x@y.z", jobTitle: text)
        try expectSameBytes(UserBody(DirectoryMember(person: person, isEmployee: true, isActive: true, permissionTemplateID: 3)))
        let contact = Person(id: 10, kind: .serviceAccountContact, firstName: "", lastName: text, email: text)
        try expectSameBytes(UserBody(DirectoryMember(person: contact, isEmployee: false, isActive: false)))
    }

    /// Pages go through the array overload; an empty page is `[]`, as the encoder writes it.
    @Test func pagesAreWhatTheEncoderWrites() async throws {
        let company = Company(id: 7, name: "Acme", isActive: true)
        for count in [0, 1, 3] {
            let projects = (0..<count).map {
                ProjectBody(Project(id: Int64($0), companyID: 7, name: "P\($0)", stage: $0 == 1 ? nil : "Bid"), company: company)
            }
            let response = try JSONResponse.make(projects, headers: [.init("X-Total")!: "\(count)"])
            #expect(try await bodyBytes(response) == Array(JSONResponse.encoder.encode(projects)))
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.init("X-Total")!] == "\(count)")
        }
        let single = try JSONResponse.make(MeBody(id: 1, login: "a", name: "b"), status: .created)
        #expect(single.status == .created)
        #expect(try await bodyBytes(single) == Array(#"{"id":1,"login":"a","name":"b"}"#.utf8))
    }
}

/// Collects a response body in memory; one test task owns it.
private final class CollectingWriter: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        buffer.writeImmutableBuffer(part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
