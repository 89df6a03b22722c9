import Foundation
@testable import GatehouseServer

/// libFuzzer's entry point for every parser of untrusted bytes. One binary serves every target, so the whole
/// dependency graph is built with the fuzzer's instrumentation once; `GATEHOUSE_FUZZ_TARGET` names the parser
/// (``ParserHarness/targets``). `fuzz/run.sh` sets it and runs each target in turn.
///
/// Built only by `fuzz/run.sh` (`GATEHOUSE_FUZZ=1 swift build -Xswiftc -sanitize=fuzzer,address`): libFuzzer
/// supplies `main`, so this target is not part of the ordinary build.
private let target: String = {
    let name = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGET"] ?? ""
    guard ParserHarness.targets.contains(name) else {
        fatalError("set GATEHOUSE_FUZZ_TARGET to one of: \(ParserHarness.targets.joined(separator: ", "))")
    }
    return name
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ParserHarness.run(target, Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
