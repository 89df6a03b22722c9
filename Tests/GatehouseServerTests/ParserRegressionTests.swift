import Foundation
import GatehouseCore
import GatehouseServer
import Testing

/// Replays every input the fuzzers keep: the seed corpora (`fuzz/corpus/TARGET/`) and each crash a fuzzer ever
/// found (`fuzz/regressions/TARGET/`), through the same ``ParserHarness`` the fuzz binary calls. A parser that
/// traps again on one of them takes this test process down with it, so the crash cannot come back unseen.
@Suite("Fuzzer inputs replayed")
struct ParserRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz")

    static func inputs(under folder: String) -> [(target: String, file: URL)] {
        var found: [(String, URL)] = []
        for target in ParserHarness.targets {
            let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target)
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.path < $1.path }) where !file.lastPathComponent.hasPrefix(".") {
                found.append((target, file))
            }
        }
        return found
    }

    @Test func everySeedAndEveryFoundCrashParsesWithoutTrapping() throws {
        let seeds = Self.inputs(under: "corpus")
        #expect(Set(seeds.map(\.target)) == Set(ParserHarness.targets), "every target has a seed corpus")
        for (target, file) in seeds + Self.inputs(under: "regressions") {
            ParserHarness.run(target, Array(try Data(contentsOf: file)))
        }
    }

    /// The harness reaches real parsers: the seeds that should parse do, so a harness that silently did nothing
    /// would fail here.
    @Test func theHarnessDrivesTheRealParsers() throws {
        let form = try String(contentsOf: Self.fuzzDirectory.appendingPathComponent("corpus/form/basic"), encoding: .utf8)
        #expect(form.contains("client_credentials"))
        #expect(ParserHarness.targets.count == 10)
        // The document seed is the spec's example, and it reads.
        let document = try Data(contentsOf: Self.fuzzDirectory.appendingPathComponent("corpus/document/spec-example"))
        #expect(throws: Never.self) { try DeploymentDocument(reading: try JSONSerialization.jsonObject(with: document)) }
    }
}
