internal import CLibGit2
import Foundation

/// Runs the `git` program, for what libgit2 does not do as users expect: talking to
/// remotes with the user's own credentials, transports and configuration.
public struct GitCommand: Sendable {
    public struct Result: Sendable {
        public let status: Int32
        /// Standard output as git wrote it (paths that are not UTF-8 included).
        public let output: [UInt8]
        public let stderr: String

        public var stdout: String { String(decoding: output, as: UTF8.self) }

        /// git's own explanation of a failure, to quote once: its `fatal:` or `error:`
        /// line without that prefix (callers add their own), else the last line of
        /// stderr (hints and progress come before it).
        public var reason: String {
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter
            { !$0.isEmpty }
            for prefix in ["fatal: ", "error: "] {
                if let line = lines.first(where: { $0.hasPrefix(prefix) }) {
                    return String(line.dropFirst(prefix.count))
                }
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
    /// carries the exit status and stderr (its output is empty).
    public func stream(_ arguments: [String], line: (ArraySlice<UInt8>) -> Void) throws -> Result {
        try execute(arguments, environment: [:]) { output in
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending += buffer[..<count]
                var start = 0
                while let end = pending[start...].firstIndex(of: 0x0A) {
                    line(pending[start..<end])
                    start = end + 1
                }
                pending.removeFirst(start)
            }
            if !pending.isEmpty { line(pending[...]) }
            return []
        }
    }

    /// Runs `git arguments…`; `environment` is added to this process's environment.
    /// Arguments after `--` are paths, passed as their bytes (GitPath): a name that is
    /// not UTF-8 reaches git as it is stored.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try execute(arguments, environment: environment) { readToEnd($0) }
    }

    /// Starts git (posix_spawn, so that arguments can be bytes that are not UTF-8),
    /// lets `consume` read its standard output to the end, and waits.
    private func execute(_ arguments: [String], environment: [String: String], consume: (Int32) -> [UInt8]) throws
        -> Result
    {
        var argumentBytes: [[UInt8]] = [Array("git".utf8)]
        var paths = false
        for argument in arguments {
            argumentBytes.append(paths ? GitPath.bytes(argument) : Array(argument.utf8))
            if argument == "--" { paths = true }
        }
        let variables = ProcessInfo.processInfo.environment.merging(repositoryEnvironment) { $1 }.merging(environment) {
            $1
        }
        let environmentBytes = variables.map { Array("\($0.key)=\($0.value)".utf8) }

        // stdout and stderr through two pipes, stderr drained on another thread: reading
        // one pipe to its end while git blocks writing the other could never finish.
        // (No file in /tmp: git's messages can name private paths and contents.)
        func cannotStart(_ code: Int32) -> GitError {
            GitError(kind: .other(-1), message: "cannot start git: \(String(cString: strerror(code)))")
        }
        var output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard pipe2(&output, O_CLOEXEC) == 0 else { throw cannotStart(errno) }
        guard pipe2(&errors, O_CLOEXEC) == 0 else {
            close(output[0]); close(output[1])
            throw cannotStart(errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        posix_spawn_file_actions_addchdir_np(&actions, directory)

        var process: pid_t = 0
        let code = withCStrings(argumentBytes) { argv in
            withCStrings(environmentBytes) { envp in posix_spawnp(&process, "git", &actions, nil, argv, envp) }
        }
        close(output[1])
        close(errors[1])
        guard code == 0 else {
            close(output[0]); close(errors[0])
            throw cannotStart(code)
        }
        let errorData = ErrorDrain(errors[0])
        let stdout = consume(output[0])
        close(output[0])
        var status: Int32 = 0
        while waitpid(process, &status, 0) < 0, errno == EINTR {}
        let stderrText = String(decoding: errorData.wait(), as: UTF8.self)
        // Exit status, or 128 + signal as a shell reports a killed git.
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exit, output: stdout, stderr: stderrText)
    }
}

/// Everything left to read on a file descriptor.
func readToEnd(_ descriptor: Int32) -> [UInt8] {
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { return data }
        data += buffer[..<count]
    }
}

/// `strings` as a NUL-terminated array of C strings, for the length of `body`.
private func withCStrings<T>(_ strings: [[UInt8]], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
    let pointers =
        strings.map { bytes -> UnsafeMutablePointer<CChar>? in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
            pointer[bytes.count] = 0
            return pointer
        } + [nil]
    defer { pointers.forEach { $0?.deallocate() } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Reads a pipe to its end on a thread of its own, and closes it.
private final class ErrorDrain: @unchecked Sendable {
    private var data = [UInt8]()
    private let done = DispatchSemaphore(value: 0)

    init(_ descriptor: Int32) {
        Thread.detachNewThread { [self] in
            data = readToEnd(descriptor)
            close(descriptor)
            done.signal()
        }
    }

    func wait() -> [UInt8] {
        done.wait()
        return data
    }
}
