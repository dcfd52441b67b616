import Foundation
import Git

/// The outcome of one process run.
public struct ProcessOutput: Sendable, CustomStringConvertible {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

    /// Standard error's non-empty lines.
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

public struct SandboxError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// A private world for one test: its own HOME (so global git config and key files
/// are its own), a fixed time zone and locale, and the freshly built `git-trace` on
/// PATH so that `git trace …` runs it as a user would.
public final class Sandbox: @unchecked Sendable {
    public let root: URL
    public let home: URL
    public let binary: String

    public init(name: String = #function) throws {
        let safeName = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("sessiontrace-\(safeName.prefix(40))-\(UUID().uuidString.prefix(8))")
        home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        binary = try Sandbox.locateBinary()
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// `GIT_TRACE_BINARY`, else `git-trace` beside the test bundle in `.build/<config>/`.
    static func locateBinary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["GIT_TRACE_BINARY"], !explicit.isEmpty { return explicit }
        var directory = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        for _ in 0..<4 {
            directory.deleteLastPathComponent()
            let candidate = directory.appendingPathComponent("git-trace").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SandboxError(description: "git-trace binary not found: run 'swift build' first or set GIT_TRACE_BINARY")
    }

    public var environment: [String: String] {
        let binDirectory = (binary as NSString).deletingLastPathComponent
        return [
            "HOME": home.path,
            "PATH": "\(binDirectory):/usr/local/bin:/usr/bin:/bin",
            "TZ": "UTC",
            "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
        ]
    }

    /// Runs a program; never throws for a non-zero exit (tests check `status`).
    @discardableResult
    public func run(
        _ program: String, _ arguments: [String], in directory: URL? = nil, input: String? = nil,
        environment extra: [String: String] = [:]
    ) async throws -> ProcessOutput {
        let launch = (
            program: program, arguments: arguments.map { Array($0.utf8) },
            environment: environment.merging(extra) { $1 }, directory: (directory ?? root).path,
            input: Array((input ?? "").utf8)
        )
        // The child is waited for on a thread of its own, so that no task of the
        // cooperative pool blocks (tests run many processes at once).
        let result = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try ChildProcess.run(
                            launch.program, arguments: launch.arguments, environment: launch.environment,
                            directory: launch.directory, input: launch.input)
                    })
            }
        }
        return ProcessOutput(
            status: result.status, stdout: String(decoding: result.output, as: UTF8.self),
            stderr: String(decoding: result.errors, as: UTF8.self))
    }

    /// Runs git and fails the test's expectations loudly when git itself fails.
    @discardableResult
    public func git(_ arguments: String..., in directory: URL, input: String? = nil) async throws -> String {
        let output = try await run("git", arguments, in: directory, input: input)
        guard output.status == 0 else {
            throw SandboxError(description: "git \(arguments.joined(separator: " ")) failed: \(output)")
        }
        return output.stdout
    }

    /// Runs `git-trace` (the binary under test) directly.
    @discardableResult
    public func trace(_ arguments: String..., in directory: URL? = nil, input: String? = nil) async throws
        -> ProcessOutput
    {
        try await run(binary, arguments, in: directory, input: input)
    }

    public func traceArgs(_ arguments: [String], in directory: URL? = nil) async throws -> ProcessOutput {
        try await run(binary, arguments, in: directory)
    }

    /// Sets the user's name and email in the sandbox's global git config.
    public func configureIdentity(name: String = "Alice Author", email: String = "alice@example.com") async throws {
        try await git("config", "--global", "user.name", name, in: root)
        try await git("config", "--global", "user.email", email, in: root)
        try await git("config", "--global", "init.defaultBranch", "main", in: root)
    }

    /// A new repository under the sandbox.
    public func makeRepository(_ name: String = "repo") async throws -> URL {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await git("init", "-q", in: directory)
        return directory
    }

    /// Writes a file (creating directories) and returns its URL.
    @discardableResult
    public func write(_ text: String, to path: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Close-on-exec: a process another test spawns meanwhile must not inherit the
        // descriptor, or running this file as a script fails with "Text file busy".
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SandboxError(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                throw SandboxError(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        return url
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    public func commitAll(_ message: String, in directory: URL) async throws -> String {
        try await git("add", "-A", in: directory)
        try await git("commit", "-q", "-m", message, in: directory)
        return try await git("rev-parse", "HEAD", in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether a note appears on `commit` in `refs/notes/sessiontrace` within a minute
    /// (the hooks record in the background).
    public func waitForNote(on commit: String, in directory: URL) async throws -> Bool {
        try await eventually {
            try await self.run("git", ["notes", "--ref", "sessiontrace", "show", commit], in: directory).status == 0
        }
    }
}

/// Whether `condition` comes true within `seconds`, asked every 50 ms. Counted by the
/// clock, not by tries: on a loaded machine each try (a git run) is slow, and a count of
/// tries that was plenty alone ran out beside other work.
public func eventually(within seconds: Int = 60, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    repeat {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 50_000_000)
    } while ContinuousClock.now < deadline
    return false
}

/// `n` numbered lines, `line 1` … `line n`, each ending in LF.
public func numberedLines(_ count: Int, prefix: String = "line") -> String {
    (1...count).map { "\(prefix) \($0)\n" }.joined()
}
