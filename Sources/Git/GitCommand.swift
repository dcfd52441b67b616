import Foundation

/// Runs the `git` program, for what libgit2 does not do as users expect: talking to
/// remotes with the user's own credentials, transports and configuration.
public struct GitCommand: Sendable {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// git's own explanation of a failure, to quote once: its `fatal:` or `error:`
        /// line without that prefix (callers add their own), else the last line of
        /// stderr (hints and progress come before it).
        public var reason: String {
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for prefix in ["fatal: ", "error: "] {
                if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return String(line.dropFirst(prefix.count)) }
            }
            return lines.last ?? "exit status \(status)"
        }
    }

    public let directory: String
    /// Set for every git run: the repository libgit2 opened, so that git acts on the
    /// same one whatever `GIT_DIR` this process inherited (a relative one would point
    /// elsewhere from `directory`).
    private let repositoryEnvironment: [String: String]

    public init(directory: String) {
        self.directory = directory
        repositoryEnvironment = [:]
    }

    /// git run in `repository`: its work tree (the git directory when bare), with
    /// `GIT_DIR` and `GIT_WORK_TREE` naming exactly that repository.
    public init(repository: Repository) {
        directory = repository.workingDirectory ?? repository.gitDirectory
        var environment = ["GIT_DIR": repository.gitDirectory]
        if let workTree = repository.workingDirectory { environment["GIT_WORK_TREE"] = workTree }
        repositoryEnvironment = environment
    }

    /// Runs git and hands each line of its standard output (without the LF) to
    /// `line` as it arrives, so the caller can work while git still does; the result
    /// carries the exit status and stderr (its stdout is empty).
    public func stream(_ arguments: [String], line: (ArraySlice<UInt8>) -> Void) throws -> Result {
        try execute(arguments, environment: [:]) { output in
            var pending = [UInt8]()
            while true {
                let chunk = output.availableData
                if chunk.isEmpty { break }
                pending += chunk
                var start = 0
                while let end = pending[start...].firstIndex(of: 0x0A) {
                    line(pending[start..<end])
                    start = end + 1
                }
                pending.removeFirst(start)
            }
            if !pending.isEmpty { line(pending[...]) }
            return ""
        }
    }

    /// Runs `git arguments…`; `environment` is added to this process's environment.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try execute(arguments, environment: environment) { output in
            String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
        }
    }

    /// Starts git, lets `consume` read its standard output to the end, and waits.
    private func execute(_ arguments: [String], environment: [String: String], consume: (FileHandle) -> String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(repositoryEnvironment) { $1 }.merging(environment) { $1 }
        // stdout and stderr through two pipes, stderr drained on another thread: reading
        // one pipe to its end while git blocks writing the other could never finish.
        // (No file in /tmp: git's messages can name private paths and contents.)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorData = ErrorDrain(errors.fileHandleForReading)
        let stdout = consume(output.fileHandleForReading)
        process.waitUntilExit()
        let stderrText = String(decoding: errorData.wait(), as: UTF8.self)
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderrText)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ErrorDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
