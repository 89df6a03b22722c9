import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The server's certificate and key, replaced whole on SIGHUP (``reload()``).
///
/// Each new connection takes the context current when it is accepted; a connection already open keeps the one
/// it started with until it closes. So a renewed certificate applies without a restart and without dropping a
/// connection, and a reload that fails (a half-written file) keeps the previous context and says why.
public final class TLSCredentials: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let context: Mutex<NIOSSLContext>

    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.context = Mutex(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    public func reload() throws {
        let fresh = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        context.withLock { $0 = fresh }
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// TLS 1.2 at least: 1.0 and 1.1 are deprecated (RFC 8996), and OAuth requires TLS for the token endpoint
    /// (RFC 6749 §3.2). swift-nio-ssl's default cipher suites already exclude the weak ones.
    static func load(certificatePath: String, keyPath: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw ConfigurationError("cannot read the TLS certificate \(certificatePath): \(error)")
        }
        guard !chain.isEmpty else { throw ConfigurationError("\(certificatePath) holds no PEM certificate") }
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw ConfigurationError("cannot read the TLS key \(keyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw ConfigurationError("the TLS certificate and key do not make a usable pair: \(error)")
        }
    }
}

/// HTTP/1.1 over TLS whose context is read per connection. HummingbirdTLS's `TLSChannel` fixes one context for
/// the server's life, so it cannot reload; this is the same pipeline (TLS handler, then the HTTP channel) with
/// the context taken from ``TLSCredentials`` at accept time.
struct ReloadableTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let credentials: TLSCredentials

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = credentials.current
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 behind TLS with reloadable credentials.
    static func http1(configuration: HTTP1Channel.Configuration, tls credentials: TLSCredentials) -> HTTPServerBuilder {
        .init { responder in
            ReloadableTLSChannel(base: HTTP1Channel(responder: responder, configuration: configuration), credentials: credentials)
        }
    }
}
