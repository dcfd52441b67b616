import Foundation

/// Runs the `git` program, for what libgit2 does not do as users expect: talking to
/// remotes with the user's own credentials, transports and configuration.
public struct GitCommand: Sendable {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// The last non-empty line of stderr (git's own explanation of a failure).
        public var reason: String {
            stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
        }
    }

    public let directory: String

    public init(directory: String) { self.directory = directory }

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
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // stdout through a pipe, stderr through a file: reading one pipe to its end
        // while git blocks writing the other could never finish.
        let output = Pipe()
        let errorPath = NSTemporaryDirectory() + "git-trace-stderr-\(getpid())-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: errorPath, contents: nil),
              let errorFile = FileHandle(forUpdatingAtPath: errorPath)
        else { throw GitError(kind: .other(-1), message: "cannot create a temporary file for git's messages") }
        defer {
            try? errorFile.close()
            unlink(errorPath)
        }
        process.standardOutput = output
        process.standardError = errorFile
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = consume(output.fileHandleForReading)
        process.waitUntilExit()
        let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: errorData, as: UTF8.self))
    }
}
