import Foundation
import GatehouseCore
import GatehouseStore
import Hummingbird

/// An error of the admin API and the REST surface: a stable code, a message safe to show, and field details.
///
/// Handlers throw it; Hummingbird renders it through ``response(from:context:)`` as
/// `{"error":{"code","message","fields"}}`, so no handler builds an error body by hand.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var fields: [String: String]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, fields: [String: String] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public static func badRequest(_ message: String, code: String = "bad_request", fields: [String: String] = [:]) -> APIError {
        APIError(.badRequest, code: code, message: message, fields: fields)
    }

    public static func unprocessable(_ message: String, fields: [String: String] = [:]) -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", message: message, fields: fields)
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found")
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }

    public static func conflict(_ message: String, fields: [String: String] = [:]) -> APIError {
        APIError(.conflict, code: "conflict", message: message, fields: fields)
    }

    public init(_ error: ValidationError) {
        self = .unprocessable(error.message, fields: error.fields)
    }

    public init(_ error: DomainError) {
        let status: HTTPResponse.Status = switch error.code {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .malformed: .badRequest
        default: .unprocessableContent
        }
        self = APIError(status, code: error.code.rawValue, message: error.message, fields: error.fields)
    }


    static let defaultChallenge = "Bearer realm=\"gatehouse\""

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let fields: [String: String]
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(Body(error: .init(code: code, message: message, fields: fields)), status: status)
        response.headers.append(contentsOf: headers)
        // RFC 9110 §15.5.2: a 401 MUST carry a challenge. Surfaces with their own realm set it; this is the floor.
        if status == .unauthorized, response.headers[.wwwAuthenticate] == nil {
            response.headers[.wwwAuthenticate] = Self.defaultChallenge
        }
        return response
    }
}

/// Lower layers' errors render themselves, wherever they are thrown (router or group middleware, handlers):
/// a rule's or the store's refusal (``DomainError``) and a validation failure each have one HTTP meaning,
/// given by ``APIError``.
extension ValidationError: HTTPResponseError {
    public var status: HTTPResponse.Status { APIError(self).status }
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(self).response(from: request, context: context)
    }
}

extension DomainError: HTTPResponseError {
    public var status: HTTPResponse.Status { APIError(self).status }
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(self).response(from: request, context: context)
    }
}
