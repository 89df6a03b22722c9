import Synchronization

/// Whether this node should be sent traffic, beyond its database answering: false from the first SIGTERM or
/// SIGINT, while it drains. `/ready` then answers 503 so load balancers stop sending new requests, while the
/// requests already sent are still served (`--shutdown-drain` keeps serving that long before the listener
/// closes).
public final class Readiness: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public func beginDraining() { draining.store(true, ordering: .relaxed) }

    public var isDraining: Bool { draining.load(ordering: .relaxed) }
}
