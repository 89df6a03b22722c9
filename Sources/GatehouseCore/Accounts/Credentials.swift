/// Client credentials as parsed from a token request, before any lookup.
public struct ClientCredentials: Sendable {
    /// How the client presented its credentials; it decides the shape of an `invalid_client` answer.
    public enum Method: String, Sendable {
        case basic = "client_secret_basic"
        case post = "client_secret_post"
        case privateKeyJWT = "private_key_jwt"
    }

    public var clientID: String
    public var secret: ClientSecret?
    public var assertion: String?
    public var method: Method

    public init(clientID: String, secret: ClientSecret?, assertion: String? = nil, method: Method) {
        self.clientID = clientID
        self.secret = secret
        self.assertion = assertion
        self.method = method
    }
}

/// Identifiers handed out with credentials.
public enum CredentialFactory {
    /// A client id in the shape Procore uses: 64 lowercase hex characters. Not secret, but unguessable
    /// so that ids cannot be enumerated.
    public static func clientID() -> String { RandomToken.hex(byteCount: 32) }

    /// The generated, never-login email of a service-account contact. The random part keeps it unique
    /// across companies; the domain (`serviceaccounts.<issuer host>` by default) marks it as a service account
    /// for anyone reading a directory.
    public static func contactEmail(prefix: String, domain: String) -> String {
        let slug = prefix.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let trimmed = String(String(slug).split(separator: "-").joined(separator: "-").prefix(24))
        let head = trimmed.isEmpty ? "svc" : "svc-\(trimmed)"
        return "\(head)-\(RandomToken.hex(byteCount: 5))@\(domain)"
    }
}
