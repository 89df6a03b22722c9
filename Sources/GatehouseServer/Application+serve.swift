import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the application until SIGTERM or SIGINT, then shuts down in the order that loses nothing:
/// 1. `/ready` answers 503 at once (``Readiness``), while requests are still served for `shutdownDrain`;
/// 2. the listener closes, and requests in flight finish, for at most `shutdownTimeout` before they are
///    cancelled; each one that writes audit rows has waited for their commit before it answered;
/// 3. the other services stop in reverse order of start, the database pool last.
///
/// SIGHUP reloads the TLS certificate and key (``TLSCredentials``) without dropping a connection.
///
/// The signal is handled here rather than by the service group, so that step 1 comes before the listener
/// closes: a group told of the signal would stop the server first.
public func runUntilSignalled(_ app: some ApplicationProtocol & Service, runtime: GatehouseRuntime, configuration: GatehouseConfiguration, logger: Logger) async throws {
    var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
    groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
    groupConfiguration.maximumCancellationDuration = .seconds(5)
    let group = ServiceGroup(configuration: groupConfiguration)
    let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
    let hangups = await UnixSignalsSequence(trapping: .sighup)
    try await withThrowingTaskGroup(of: Bool.self) { tasks in
        tasks.addTask {
            try await group.run()
            return true
        }
        tasks.addTask {
            for await signal in signals {
                logger.info("draining", metadata: ["signal": "\(signal)", "drain_seconds": "\(configuration.shutdownDrain.components.seconds)"])
                runtime.readiness.beginDraining()
                try? await Task.sleep(for: configuration.shutdownDrain)
                await group.triggerGracefulShutdown()
                break
            }
            return false
        }
        tasks.addTask {
            for await _ in hangups {
                guard let tls = runtime.tls else { continue }
                do {
                    try tls.reload()
                    logger.info("reloaded the TLS certificate", metadata: ["certificate": "\(tls.certificatePath)"])
                } catch {
                    logger.error("TLS reload failed; still serving the previous certificate", metadata: ["error": "\(error)"])
                }
            }
            return false
        }
        // The group's end is the server's end; the signal task ends as soon as it has started the shutdown.
        while let groupEnded = try await tasks.next() {
            if groupEnded {
                tasks.cancelAll()
                return
            }
        }
    }
    logger.info("stopped")
}
