/// Where the console returns a user after signing in: a path on this server, never another origin. A link such as
/// `/login?next=//evil.example/` must not become an open redirect (CWE-601).
public enum ReturnPath {
    /// The path when it is a plain same-origin path (`/companies/1/directory?page=2`); nil for anything else:
    /// empty, relative, scheme-relative (`//host`), backslash tricks (`/\host`), control characters, or over 2,000
    /// bytes.
    public static func validated(_ raw: String?) -> String? {
        guard let raw, raw.utf8.count <= 2_000, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.hasPrefix("/\\") else { return nil }
        guard raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" }) else { return nil }
        // The sign-in and sign-out pages are no place to come back to.
        if raw == "/login" || raw.hasPrefix("/login?") || raw == "/logout" { return nil }
        return raw
    }
}
