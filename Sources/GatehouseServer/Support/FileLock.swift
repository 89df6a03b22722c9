import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock`) on `<sqlite file>.lock`, held by `gatehouse serve` for as long as the
/// process runs. `gatehouse restore` takes the same lock, so it cannot replace a file a running server has open,
/// and a second server on the same file refuses to start. The kernel drops the lock when the process exits,
/// however it exits, so a crash never leaves a stale lock behind.
public final class FileLock: Sendable {
    private let descriptor: Int32
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// The lock, or nil when another process holds it.
    public static func acquire(_ path: String) throws -> FileLock? {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ConfigurationError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return FileLock(descriptor: descriptor, path: path)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension GatehouseConfiguration {
    /// The SQLite file this configuration names; nil on PostgreSQL.
    public var sqlitePath: String? {
        let url = resolvedDatabaseURL
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return nil }
        return url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
    }
}
