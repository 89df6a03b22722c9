import GatehouseCore

/// The store refuses in the same coded vocabulary as the rules above it (not found, conflict, invalid), so a
/// refusal means one thing whichever layer raised it, and each door maps it to its wire shape in one place.
public typealias StoreError = DomainError
