import Foundation

// sessiontrace-fuzz <target> [libFuzzer options] [corpus directories]
// The target name is taken off the arguments; libFuzzer reads the rest.

@_silgen_name("LLVMFuzzerRunDriver")
func runLibFuzzer(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

let arguments = CommandLine.arguments
guard arguments.count >= 2, let chosen = targets.first(where: { $0.name == arguments[1] }) else {
    FileHandle.standardError.write(
        Data(
            "usage: sessiontrace-fuzz <\(targets.map(\.name).joined(separator: "|"))> [libFuzzer options] [corpus…]\n"
                .utf8))
    exit(2)
}
nonisolated(unsafe) var selected: FuzzTarget = chosen
// argv without the target name: libFuzzer's own options and corpus directories.
var argv: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
var argc = Int32(argv.count - 1)
let status = argv.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var base = buffer.baseAddress!
    return runLibFuzzer(&argc, &base) { data, size in
        selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
exit(status)

/// libFuzzer's own entry, which its runtime expects to find (the driver above is what
/// runs; this serves when the binary is started through libFuzzer's main instead).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
