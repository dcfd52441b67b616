import Foundation
import TestSupport
import Testing

@testable import Git

/// Paths are bytes; the text a record holds must turn back into exactly those bytes and
/// be what git itself prints (issue: capture fidelity, case 3).
@Suite struct GitPathTests {
    @Test func plainUTF8PathsAreTheirOwnText() {
        for path in ["a.txt", "dir/café.swift", "tab\there", "line\nbreak", "ends with \"quote\"", "日本語/ファイル"] {
            #expect(GitPath.string(bytes: Array(path.utf8)) == path)
            #expect(GitPath.bytes(path) == Array(path.utf8))
            #expect(!GitPath.isQuoted(path))
        }
    }

    @Test func anyBytesSurviveTheRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...12, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 1...255, using: &generator) }
            let text = GitPath.string(bytes: bytes)
            #expect(GitPath.bytes(text) == bytes, "\(bytes) → \(text)")
            #expect(GitPath.isQuoted(text) == (bytes.first == 0x22 || String(validating: bytes, as: UTF8.self) == nil))
        }
    }

    @Test func aQuotedLookingNameThatIsPlainTextStaysText() {
        // Not ours: its unquoted bytes would be valid UTF-8, so it is a literal name.
        let literal = "\"abc\""
        #expect(GitPath.bytes(literal) == Array(literal.utf8))
        #expect(!GitPath.isQuoted(literal))
        #expect(GitPath.string(bytes: Array(literal.utf8)) == "\"\\\"abc\\\"\"")
    }

    @Test func theQuotedFormIsWhatGitPrints() async throws {
        let sandbox = try Sandbox(name: #function)
        try await sandbox.configureIdentity()
        let repository = try await sandbox.makeRepository()
        let names: [[UInt8]] = [
            Array("caf".utf8) + [0xE9] + Array(".txt".utf8), [0xFF, 0xFE, 0x41], Array("\"q\".txt".utf8),
            Array("sub/".utf8) + [0x80, 0x5C, 0x22],
        ]
        for name in names {
            let full = Array(repository.path.utf8) + [0x2F] + name
            if let slash = name.firstIndex(of: 0x2F) {
                _ = (Array(repository.path.utf8) + [0x2F] + name[..<slash]).withUnsafeBufferPointer { _ in
                    mkdir(String(decoding: Array(repository.path.utf8) + [0x2F] + name[..<slash], as: UTF8.self), 0o755)
                }
            }
            let descriptor = (full.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
                open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644)
            }
            #expect(descriptor >= 0)
            close(descriptor)
        }
        try await sandbox.git("add", "-A", in: repository)
        let listed = try await sandbox.run("git", ["-c", "core.quotePath=true", "ls-files"], in: repository)
        let printed = Set(listed.stdout.split(separator: "\n").map(String.init))
        for name in names {
            #expect(printed.contains(GitPath.string(bytes: name)), "\(GitPath.string(bytes: name)) not in \(printed)")
        }
    }
}
