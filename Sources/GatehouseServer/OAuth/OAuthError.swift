import Foundation
import Hummingbird

/// An RFC 6749 §5.2 error. `code` is the wire value, so it is never localized.
public struct OAuthError: HTTPResponseError, Sendable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public static let invalidRequest = Code(rawValue: "invalid_request")
        public static let invalidClient = Code(rawValue: "invalid_client")
        public static let unauthorizedClient = Code(rawValue: "unauthorized_client")
        public static let unsupportedGrantType = Code(rawValue: "unsupported_grant_type")
        public static let invalidScope = Code(rawValue: "invalid_scope")
        /// RFC 6749 §4.1.2.1's codes for the server's own trouble, used here in §5.2's shape so a token client
        /// always reads one error format.
        public static let temporarilyUnavailable = Code(rawValue: "temporarily_unavailable")
        public static let serverError = Code(rawValue: "server_error")
        /// Too many failed authentications from this address (RFC 8628 §3.5's word for "wait"); answered 429
        /// with `Retry-After`.
        public static let slowDown = Code(rawValue: "slow_down")
        public var description: String { rawValue }
    }

    public var code: Code
    public var description: String?
    /// Set when the client authenticated with HTTP Basic. Every 401 carries `WWW-Authenticate: Basic` (RFC 9110
    /// §15.5.2 requires a challenge on every 401; RFC 6749 §5.2 names Basic's), so this only records the method.
    public var challengeBasic: Bool
    /// Extra headers, e.g. deprecation headers on a refused traditional account.
    public var extraHeaders: HTTPFields = [:]

    public init(_ code: Code, _ description: String? = nil, challengeBasic: Bool = false) {
        self.code = code
        self.description = description
        self.challengeBasic = challengeBasic
    }

    /// 401 for `invalid_client` (RFC 6749 §5.2 requires it with Basic; we use it for every method so clients
    /// see one status), 400 for everything else.
    public var status: HTTPResponse.Status {
        switch code {
        case .invalidClient: .unauthorized
        case .temporarilyUnavailable: .serviceUnavailable
        case .slowDown: .tooManyRequests
        case .serverError: .internalServerError
        default: .badRequest
        }
    }

    /// Any error met while answering a token request, in RFC 6749's shape: a client's mistake that another
    /// layer refused (a body too large, a malformed form) is `invalid_request`; anything else is the server's.
    public init(wrapping error: any Error) {
        switch error {
        case let error as OAuthError:
            self = error
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            self.init(.invalidRequest, (error as? APIError)?.message ?? "the request could not be read")
        default:
            self.init(.temporarilyUnavailable, "the token service is temporarily unavailable; retry")
        }
    }

    private struct Body: Encodable {
        let error: String
        let errorDescription: String?
        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]
        if status == .unauthorized {
            headers[.wwwAuthenticate] = "Basic realm=\"gatehouse\", charset=\"UTF-8\""
        }
        headers.append(contentsOf: extraHeaders)
        return try JSONResponse.make(Body(error: code.rawValue, errorDescription: description), status: status, headers: headers)
    }
}

