// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: the git-trace executable → features (Setup, Capture,
// Sync, Reports, Policy) → Provenance → Verification → Ledger → Records, Keys →
// CanonicalJSON, Git, Signing → the C libraries. One line per module:
//   Diagnostics    UserFacingError: the one protocol every module's errors adopt
//   Hex            hexadecimal encoding and decoding, once
//   Git            libgit2 behind small Swift types; the line diff; ChildProcess
//   Signing        Ed25519 and SHA-256 over OpenSSL, OpenSSH key formats, ssh-agent
//   CanonicalJSON  strict JSON parsing, canonical serialisation, strict base64
//   Records        envelopes, statements, timestamps, model ids: what a record says
//   Keys           key files, the configured signing identity, per-user secrets
//   Ledger         records in refs/notes/sessiontrace: read, build, sign, append
//   Verification   trust files, the verifier and its cache, checkpoints, governing records
//   Provenance     git blame joined with verified records
//   Capture        agent payloads → working log → line origins → commit attribution
//   Setup          git and agent hook installation, repository configuration
//   Sync           notes fetch, union merge and push
//   Policy         the policy file and its rules, evaluated against a commit's evidence
//   Reports        stats and compliance reports over ranges of commits
//   Classifier     estimates of AI authorship for history without records (the model embedded)
//   Estimation     classify over a range: captured commits left alone, estimate records signed
let package = Package(
    name: "SessionTrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "git-trace", targets: ["git-trace"]),
        // For Tests/Fuzz, a package of its own (its targets are built with libFuzzer).
        .library(
            name: "SessionTraceParsers",
            targets: [
                "Diagnostics", "Hex", "Git", "Signing", "CanonicalJSON", "Records", "Keys", "Ledger", "Verification",
                "Capture", "Policy", "Classifier",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        // libgit2 without its CA bundle (Sources/CLibGit2NoTLS/no_tls.c): a faster start.
        .target(name: "CLibGit2NoTLS"),
        .target(name: "Diagnostics"),
        .target(name: "Hex"),
        .target(
            name: "Git",
            dependencies: [
                "Diagnostics", "Hex", "CLibGit2", "CLibGit2NoTLS",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]),
        .target(name: "Signing", dependencies: ["Diagnostics", "Hex", "COpenSSL"]),
        .target(name: "CanonicalJSON", dependencies: ["Diagnostics"]),
        .target(name: "Records", dependencies: ["Diagnostics", "CanonicalJSON", "Signing"]),
        .target(name: "Keys", dependencies: ["Diagnostics", "Hex", "Git", "Signing"]),
        .target(name: "Ledger", dependencies: ["Diagnostics", "Records", "CanonicalJSON", "Keys", "Git", "Signing"]),
        .target(
            name: "Verification",
            dependencies: ["Diagnostics", "Hex", "Ledger", "Records", "CanonicalJSON", "Keys", "Git", "Signing"]),
        .target(name: "Provenance", dependencies: ["Diagnostics", "Hex", "Verification", "Ledger", "Records", "Git"]),
        .target(
            name: "Capture",
            dependencies: [
                "Diagnostics", "Hex", "Provenance", "Verification", "Ledger", "Records", "CanonicalJSON", "Keys", "Git",
                "Signing",
            ]),
        .target(name: "Setup", dependencies: ["Diagnostics", "Capture", "Ledger", "Git", "Policy"]),
        .target(name: "Sync", dependencies: ["Diagnostics", "Ledger", "Records", "CanonicalJSON", "Git"]),
        .target(
            name: "Policy",
            dependencies: ["Diagnostics", "Git", "Records", "Ledger", .product(name: "Yams", package: "Yams")]),
        // The classifier's model file, embedded with #embed (written by `make train-classifier`).
        .target(name: "CClassifierModel", exclude: ["model.bin"]),
        .target(
            name: "Estimation",
            dependencies: ["Diagnostics", "Git", "Keys", "Ledger", "Records", "Verification", "Classifier"]),
        .target(
            name: "Classifier",
            dependencies: ["Diagnostics", "Git", "Records", "Signing", "CanonicalJSON", "CClassifierModel"]),
        .target(
            name: "Reports",
            dependencies: [
                "Diagnostics", "Hex", "Policy", "Provenance", "Verification", "Ledger", "Records", "CanonicalJSON",
                "Git", "Signing",
            ]),
        .executableTarget(
            name: "git-trace",
            dependencies: [
                "Setup", "Capture", "Sync", "Reports", "Policy", "Provenance", "Verification", "Ledger", "Records",
                "Keys", "CanonicalJSON", "Git", "Signing", "Diagnostics", "Hex", "Classifier", "Estimation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/GitTrace"
        ),

        .executableTarget(
            name: "sessiontrace-ledger-generator",
            dependencies: [
                "Ledger", "Records", "Keys", "Git", "Signing", "Hex", "Provenance", "Reports", "TestSupport",
            ],
            path: "Tests/Benchmarks/LedgerGenerator"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Git", "Hex"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "HexTests", dependencies: ["Hex"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "GitTests", dependencies: ["Hex", "Git", "TestSupport"]),
        .testTarget(name: "SigningTests", dependencies: ["Hex", "Signing", "TestSupport"]),
        .testTarget(name: "CanonicalJSONTests", dependencies: ["CanonicalJSON", "TestSupport"]),
        .testTarget(name: "RecordsTests", dependencies: ["Hex", "Records", "CanonicalJSON", "Signing", "TestSupport"]),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Hex", "Ledger", "Records", "CanonicalJSON", "Keys", "Git", "Signing", "TestSupport"]),
        .testTarget(
            name: "VerificationTests",
            dependencies: ["Hex", "Verification", "Ledger", "Records", "Keys", "Git", "Signing", "TestSupport"]),
        .testTarget(
            name: "CaptureTests", dependencies: ["Capture", "Git", "Ledger", "Records", "CanonicalJSON", "TestSupport"]),
        .testTarget(name: "SyncTests", dependencies: ["Sync"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Records"]),
        .testTarget(name: "ProvenanceTests", dependencies: ["Provenance", "Git", "TestSupport"]),
        .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "Git", "TestSupport"]),
        .testTarget(
            name: "ReportsTests",
            dependencies: [
                "Reports", "Policy", "Verification", "Ledger", "Records", "Keys", "Git", "Signing", "Diagnostics",
                "TestSupport",
            ]),
        .testTarget(
            name: "GitTraceTests",
            dependencies: [
                "Classifier", "Hex", "Setup", "Capture", "Sync", "Verification", "Ledger", "Records", "Keys",
                "CanonicalJSON", "Git",
                "Signing", "TestSupport",
            ]),
    ]
)
