import Foundation

/// Which store a test runs on. SQLite always; PostgreSQL too when `POSTGRES_URL` is set (`.ci/run` sets it).
/// One definition for the store tests and the server tests, so both run on the same engines.
/// Its description (`sqlite`, `postgres`) names the test case in Swift Testing's output.
public enum StoreKind: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    public static var enabled: [StoreKind] {
        ProcessInfo.processInfo.environment["POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}
