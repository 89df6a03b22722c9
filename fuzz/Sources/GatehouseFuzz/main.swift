import Foundation
@testable import GatehouseServer

/// libFuzzer's driver for every parser of untrusted bytes. One binary serves every target, so the whole
/// dependency graph is built with the fuzzer's instrumentation once; `GATEHOUSE_FUZZ_TARGET` names the parser
/// (``ParserHarness/targets``). `fuzz/run.sh` sets it and runs each target in turn.
///
/// Built only by `fuzz/run.sh` (`GATEHOUSE_FUZZ=1 swift build -Xswiftc -sanitize=fuzzer,address`). SwiftPM links
/// an executable's `main` under its own name, so instead of libFuzzer's `main` this one hands control to
/// `LLVMFuzzerRunDriver`, libFuzzer's documented entry for programs that keep their own `main`.
let target = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGET"] ?? ""
guard ParserHarness.targets.contains(target) else {
    FileHandle.standardError.write(Data("set GATEHOUSE_FUZZ_TARGET to one of: \(ParserHarness.targets.joined(separator: ", "))\n".utf8))
    exit(2)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// One input: the target is read from the environment again, since a C callback captures nothing.
let fuzzOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt = { data, size in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ParserHarness.run(ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGET"] ?? "", bytes)
    return 0
}

/// The symbol libFuzzer's own `main` (FuzzerMain.o) references: the linker pulls that object in whatever this
/// file's `main` does, so it must resolve. It is the same callback.
@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOneInput(data, size) }

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
