import Foundation

/// How an audit row names what it is about. Writers and readers both build targets here, so a page that reads
/// an account's history, or its last token, can never drift from the format the operation wrote.
public enum AuditTarget {
    /// An OAuth client, by its `client_id`: token issuance, revocation and introspection.
    public static func client(_ clientID: String) -> String { clientID }

    public static func serviceAccount(_ id: Int64) -> String { "service_account:\(id)" }

    public static func installation(company: Int64, id: Int64) -> String { "company:\(company)/installation:\(id)" }
}

extension StoredSecret {
    /// Which of a client's active secrets may be retired now: any active one while another active one stays, so
    /// retiring never leaves the client with no working secret. The store enforces the same rule in its
    /// transaction; every door reads it from here.
    public static func retirable(_ secrets: [StoredSecret], at now: Date) -> Set<Int64> {
        let active = secrets.filter { $0.isActive(at: now) }
        return active.count > 1 ? Set(active.map(\.id)) : []
    }
}
