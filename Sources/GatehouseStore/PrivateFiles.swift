import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold Gatehouse's data are private to the service user: directories 0700, files 0600.
///
/// The database holds password hashes, personal data and version keys, and its backups hold the same. Modes are
/// set when a file is made (never 0644 first and tightened later, which leaves a window) and tightened, with a
/// warning, where an existing one is wider, whatever the process's umask.
public enum PrivateFiles {
    public static let directoryMode: mode_t = 0o700
    public static let fileMode: mode_t = 0o600

    /// Creates `path` (and missing parents) as 0700, or tightens an existing directory that is wider.
    public static func directory(_ path: String, logger: Logger? = nil) throws {
        guard !path.isEmpty else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            try tighten(path, to: directoryMode, logger: logger)
            return
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(directoryMode)])
        // `createDirectory` applies the umask to `attributes`; set the mode outright.
        chmod(path, directoryMode)
    }

    /// Makes sure `path` exists as a private file: created empty as 0600 when missing, tightened when wider.
    public static func file(_ path: String, logger: Logger? = nil) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw PrivateFileError(path: path, reason: String(cString: strerror(errno))) }
        close(descriptor)
        try tighten(path, to: fileMode, logger: logger)
    }

    /// Creates `path` empty as 0600, failing if it exists: for a backup, which never overwrites a file.
    public static func newFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw PrivateFileError(path: path, reason: String(cString: strerror(errno))) }
        fchmod(descriptor, fileMode)
        close(descriptor)
    }

    /// Sets `mode` when the existing mode lets anyone but the owner in; a missing path is left alone.
    public static func tighten(_ path: String, to mode: mode_t, logger: Logger? = nil) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let current = info.st_mode & 0o777
        guard current & ~mode != 0 else { return }
        guard chmod(path, mode) == 0 else { throw PrivateFileError(path: path, reason: String(cString: strerror(errno))) }
        logger?.warning("tightened a data path that others could read", metadata: [
            "path": "\(path)", "was": "\(String(current, radix: 8))", "now": "\(String(mode, radix: 8))",
        ])
    }
}

public struct PrivateFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
