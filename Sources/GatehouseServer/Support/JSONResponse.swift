import Foundation
import Hummingbird
import NIOCore

/// Builds JSON responses with one encoder configuration, so every surface writes the same shapes.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        respond(ByteBuffer(data: try encoder.encode(value)), status: status, headers: headers)
    }

    /// A body that writes itself: the same bytes, without the encoder (see ``JSONBody``).
    static func make(_ value: some JSONBody, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var json = JSONBuffer()
        value.write(to: &json)
        return respond(ByteBuffer(bytes: json.bytes), status: status, headers: headers)
    }

    /// A page of bodies that write themselves.
    static func make<Item: JSONBody>(_ values: [Item], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var json = JSONBuffer(capacity: 64 + 384 * values.count)
        json.array(values)
        return respond(ByteBuffer(bytes: json.bytes), status: status, headers: headers)
    }

    private static func respond(_ body: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}
