// swift-tools-version:6.0
// libFuzzer targets for every parser an attacker can feed (FUZZING.md). Built and run
// by `make fuzz`: swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld.
import PackageDescription

let package = Package(
    name: "SessionTraceFuzz",
    dependencies: [.package(name: "SessionTrace", path: "../..")],
    targets: [
        .executableTarget(
            name: "sessiontrace-fuzz",
            dependencies: [.product(name: "SessionTraceParsers", package: "SessionTrace")]
        )
    ]
)
