import Foundation
import HTTPTypes
import Hummingbird
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An address range from `--trusted-proxies` (`10.0.0.0/8`, `::1/128`, or a bare address).
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    let network: [UInt8]
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = Self.bytes(first) else { return nil }
        let bits = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.network = bytes
        self.prefix = prefix
    }

    public var description: String { "\(network.count == 4 ? network.map(String.init).joined(separator: ".") : "ipv6")/\(prefix)" }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address), bytes.count == network.count else { return false }
        var remaining = prefix
        for (a, b) in zip(bytes, network) where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if a & mask != b & mask { return false }
            remaining -= take
        }
        return true
    }

    /// The address's bytes: 4 for IPv4, 16 for IPv6; nil when it is not an address.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// Works out the client's address once per request. `X-Forwarded-For` is believed only when the connection
/// comes from a trusted proxy, and then only as far as the trusted hops reach: the first address from the
/// right that is not itself a trusted proxy is the client. Audit rows, rate limits and failure limits all use it.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let trusted: [AddressRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty, let peer = context.remoteAddress?.ipAddress, isTrusted(peer),
              let forwarded = request.headers[values: .xForwardedFor].joined(separator: ",").nonEmpty
        else { return try await next(request, context) }
        var context = context
        context.clientAddress = clientAddress(forwarded: forwarded, peer: peer)
        return try await next(request, context)
    }

    /// The client named by a trusted peer's `X-Forwarded-For`: the first address from the right that is not a
    /// trusted proxy; entries that are not addresses are skipped. When every hop is trusted, the peer: the
    /// leftmost entry is whatever the client chose to send, so it names no one (RFC 7239 §8.1). What the fuzz
    /// target `forwarded-for` drives.
    func clientAddress(forwarded: String, peer: String) -> String {
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { AddressRange.bytes($0) != nil }
        return hops.reversed().first { !isTrusted($0) } ?? peer
    }

    func isTrusted(_ address: String) -> Bool { trusted.contains { $0.contains(address) } }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
