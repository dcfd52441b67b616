// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: git-trace (CLI) → Ledger → Git, Signing → C libraries.
let package = Package(
    name: "SessionTrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "git-trace", targets: ["git-trace"]),
        // For Tests/Fuzz, a package of its own (its targets are built with libFuzzer).
        .library(name: "SessionTraceParsers", targets: ["Git", "Signing", "Ledger", "Capture", "Policy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "Git", dependencies: [
            "CLibGit2", .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        .target(name: "Signing", dependencies: ["COpenSSL"]),
        .target(name: "Ledger", dependencies: ["Git", "Signing"]),
        .target(name: "Capture", dependencies: ["Ledger", "Git", "Signing"]),
        .target(name: "Sync", dependencies: ["Ledger", "Git"]),
        .target(name: "Policy", dependencies: ["Git", .product(name: "Yams", package: "Yams")]),
        .target(name: "Reports", dependencies: ["Policy", "Ledger", "Git", "Signing"]),
        .executableTarget(
            name: "git-trace",
            dependencies: [
                "Capture", "Sync", "Reports", "Policy", "Ledger", "Git", "Signing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/GitTrace"
        ),

        .executableTarget(
            name: "sessiontrace-ledger-generator",
            dependencies: ["Ledger", "Git", "Signing"],
            path: "Tests/Benchmarks/LedgerGenerator"
        ),
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "TestSupport"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Ledger", "TestSupport"]),
        .testTarget(name: "SyncTests", dependencies: ["Sync"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
        .testTarget(name: "GitTraceTests", dependencies: ["Capture", "Sync", "Ledger", "Git", "Signing", "TestSupport"]),
    ]
)
