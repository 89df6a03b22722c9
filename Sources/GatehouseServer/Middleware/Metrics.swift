import CoreMetrics
import Foundation
import Hummingbird
import Prometheus
import Synchronization

/// Gatehouse's metrics, on a registry of its own (no process-wide bootstrap), so every application, tests
/// included, exposes exactly its own figures at `/metrics`.
public final class GatehouseMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let requestSeriesCache = Mutex<[RequestSeries.Key: RequestSeries]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Token issuance is fast; buckets from 1 ms to 2.5 s.
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                                   .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500)]
        self.factory = factory
    }

    /// One token request, by outcome (`issued` or the RFC 6749 error code).
    func tokenRequest(outcome: String, duration: Duration) {
        Counter(label: "gatehouse_token_requests_total", dimensions: [("outcome", outcome)], factory: factory).increment()
        CoreMetrics.Timer(label: "gatehouse_token_request_duration_seconds", dimensions: [("outcome", outcome == "issued" ? "issued" : "error")], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Access-log lines a full queue refused (see ``AccessLog``); a request never waits for the log.
    public func accessLogDropped(_ count: Int) {
        Counter(label: "gatehouse_access_log_dropped_total", factory: factory).increment(by: Int64(count))
    }

    /// A reload of the credential index (see `CredentialIndex`): its size, and how often and how long it reloads.
    public func credentialIndexReloaded(clients: Int, took: Duration) {
        Gauge(label: "gatehouse_credential_index_clients", factory: factory).record(clients)
        CoreMetrics.Timer(label: "gatehouse_credential_index_reload_seconds", factory: factory).recordNanoseconds(took.nanoseconds)
    }

    /// Every HTTP request, by surface and status.
    func request(surface: String, status: Int, duration: Duration) {
        let series = requestSeries(surface: surface, status: status)
        series.count.increment()
        series.duration.recordNanoseconds(duration.nanoseconds)
    }

    /// One request's two series, made once per surface and status: making a `Counter` looks it up in the registry
    /// under the registry's lock, and each request did it twice (about 1 % of `/me` in the issue-27 profile). The
    /// keys are few: five surfaces and the statuses Gatehouse answers.
    private func requestSeries(surface: String, status: Int) -> RequestSeries {
        let key = RequestSeries.Key(surface: surface, status: status)
        if let known = requestSeriesCache.withLock({ $0[key] }) { return known }
        let made = RequestSeries(
            count: CoreMetrics.Counter(label: "gatehouse_http_requests_total", dimensions: [("surface", surface), ("status", "\(status)")], factory: factory),
            duration: CoreMetrics.Timer(label: "gatehouse_http_request_duration_seconds", dimensions: [("surface", surface)], factory: factory)
        )
        requestSeriesCache.withLock { $0[key] = made }
        return made
    }

    private struct RequestSeries: Sendable {
        struct Key: Hashable, Sendable {
            let surface: String
            let status: Int
        }
        let count: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// Counts requests by surface (`rest`, `oauth`, `admin`, `web`) and status, with latency histograms.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: GatehouseMetrics

    static func surface(of path: String) -> String {
        if path.hasPrefix("/rest/") { return "rest" }
        if path.hasPrefix("/oauth/") || path.hasPrefix("/.well-known/") { return "oauth" }
        if path.hasPrefix("/admin/") { return "admin" }
        if path == "/health" || path == "/ready" || path == "/metrics" { return "ops" }
        return "web"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let surface = Self.surface(of: request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.request(surface: surface, status: Int(response.status.code), duration: ContinuousClock.now - start)
            return response
        } catch let error as any HTTPResponseError {
            metrics.request(surface: surface, status: Int(error.status.code), duration: ContinuousClock.now - start)
            throw error
        } catch {
            metrics.request(surface: surface, status: 500, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
