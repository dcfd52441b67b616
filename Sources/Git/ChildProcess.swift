internal import CLibGit2  // pipe2 and posix_spawn_file_actions_addchdir_np (see shim.h)
import Foundation

/// A program run as a child process: the one way this package starts processes (git
/// for GitCommand; git and git-trace in the tests and benches).
///
/// posix_spawn rather than Foundation's Process or swift-subprocess: arguments are
/// bytes (a path that is not UTF-8 reaches git as it is stored), the call is
/// synchronous (git hooks run it with no concurrency runtime started, which a capture
/// call cannot afford), and nothing goes through a file: stdout and stderr are pipes,
/// since git's messages can name private paths and contents.
package final class ChildProcess: @unchecked Sendable {
    package struct Result: Sendable {
        /// The exit status, or 128 + the signal's number for a killed process, as a
        /// shell reports it.
        package let status: Int32
        package let output: [UInt8]
        package let errors: [UInt8]
    }

    /// What the child reads on its standard input.
    package enum Input {
        case none
        /// These bytes, then the end of the input.
        case bytes([UInt8])
        /// What `send` writes, until `finishInput` (a conversation with the child).
        case interactive
    }

    /// The process id, to signal it.
    package let identifier: Int32
    private let output: Int32
    private let errorDrain: Drain
    /// The write end of the child's standard input, for `.interactive`.
    private var inputDescriptor: Int32 = -1
    /// Standard output once `readLine` is used (what it read ahead stays in it).
    private var lines: LineReader?

    /// Starts `program` (a path, or a name looked up in `environment`'s `PATH`) with
    /// `arguments` after it, exactly `environment`, in `directory`, with `input` on its
    /// standard input (nil: /dev/null). Its standard output is read by `readLine` or
    /// `wait`; its standard error is collected meanwhile on a thread of its own
    /// (reading one pipe to its end while the child blocks writing the other could
    /// never finish).
    /// `echoingErrorsTo`: a descriptor that also gets the child's standard error as it
    /// comes (git's progress lines on this process's terminal), besides the result.
    /// `ownProcessGroup`: the child leads a process group of its own, so that it and
    /// whatever it starts can be stopped together (`run(…timeout:)`).
    package convenience init(
        _ program: String, arguments: [[UInt8]], environment: [String: String], directory: String,
        input: [UInt8]? = nil, echoingErrorsTo echo: Int32? = nil, ownProcessGroup: Bool = false
    ) throws {
        try self.init(
            program, arguments: arguments, environment: environment, directory: directory,
            standardInput: input.map { .bytes($0) } ?? .none, echoingErrorsTo: echo, ownProcessGroup: ownProcessGroup)
    }

    package init(
        _ program: String, arguments: [[UInt8]], environment: [String: String], directory: String,
        standardInput input: Input, echoingErrorsTo echo: Int32? = nil, ownProcessGroup: Bool = false
    ) throws {
        func cannotStart(_ code: Int32) -> GitError {
            GitError(kind: .other(-1), message: "cannot start \(program): \(String(cString: strerror(code)))")
        }
        let executable = try Self.locate(program, path: environment["PATH"]).orThrow(cannotStart(ENOENT))
        // Each pipe's two ends: the child's is closed here once it is started.
        var opened = [Int32]()
        func makePipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [-1, -1]
            guard pipe2(&ends, O_CLOEXEC) == 0 else {
                let code = errno
                opened.forEach { _ = close($0) }
                throw cannotStart(code)
            }
            opened += ends
            return (ends[0], ends[1])
        }
        let stdout = try makePipe(), stderr = try makePipe()
        let stdin: (read: Int32, write: Int32)?
        if case .none = input { stdin = nil } else { stdin = try makePipe() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
        posix_spawn_file_actions_addchdir_np(&actions, directory)

        // Signals as a shell would leave them: default dispositions (this process may
        // ignore SIGPIPE, and ignored signals survive exec) and nothing blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), none = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argumentBytes = [Array(program.utf8)] + arguments
        let environmentBytes = environment.map { Array("\($0.key)=\($0.value)".utf8) }
        var process: Int32 = 0
        let code = withCStrings(argumentBytes) { argv in
            withCStrings(environmentBytes) { envp in
                posix_spawn(&process, executable, &actions, &attributes, argv, envp)
            }
        }
        for end in [stdout.write, stderr.write] + (stdin.map { [$0.read] } ?? []) { close(end) }
        guard code == 0 else {
            for end in [stdout.read, stderr.read] + (stdin.map { [$0.write] } ?? []) { close(end) }
            throw cannotStart(code)
        }
        identifier = process
        output = stdout.read
        errorDrain = Drain(stderr.read, echo: echo)
        // A child that exits before reading all its input must not kill this process
        // with SIGPIPE (ignored process-wide: write then fails with EPIPE).
        if stdin != nil { signal(SIGPIPE, SIG_IGN) }
        if let stdin, case .interactive = input { inputDescriptor = stdin.write }
        if let stdin, case .bytes(let input) = input {
            // Written from a thread of its own, for the same reason as stderr is read on one.
            let descriptor = stdin.write
            let feed = Thread {
                input.withUnsafeBytes { _ = writeAll($0, to: descriptor) }
                close(descriptor)
            }
            feed.start()
        }
    }

    /// Writes all of `bytes` to an interactive child's standard input.
    package func send(_ bytes: [UInt8]) throws {
        precondition(inputDescriptor >= 0, "send needs an interactive child with its input open")
        guard bytes.withUnsafeBytes({ writeAll($0, to: inputDescriptor) }) else {
            throw GitError(kind: .other(-1), message: "the child process stopped reading its input")
        }
    }

    /// Ends an interactive child's standard input.
    package func finishInput() {
        guard inputDescriptor >= 0 else { return }
        close(inputDescriptor)
        inputDescriptor = -1
    }

    /// The next line of standard output without its LF (or `separator`: NUL for `-z`
    /// output); nil at its end (a last line without one is returned as a line).
    package func readLine(until separator: UInt8 = 0x0A) -> [UInt8]? {
        if lines == nil { lines = LineReader(descriptor: output) }
        return lines!.next(until: separator).map(Array.init)
    }

    /// Hands standard output to `consume`, which reads it to its end, then waits for
    /// the process; the result's `output` is what `consume` returned (after what
    /// `readLine` had read ahead).
    package func wait(consumingOutput consume: (Int32) -> [UInt8] = readToEnd) -> Result {
        wait(consumingOutput: consume, beforeReaping: {})
    }

    /// `wait`, calling `beforeReaping` once the child has exited but while its process id
    /// still names it (not yet reaped, so not reusable).
    private func wait(consumingOutput consume: (Int32) -> [UInt8], beforeReaping: () -> Void) -> Result {
        finishInput()
        let stdout = (lines?.takeBuffered() ?? []) + consume(output)
        close(output)
        var exited = siginfo_t()
        while waitid(P_PID, id_t(identifier), &exited, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        beforeReaping()
        var status: Int32 = 0
        while waitpid(identifier, &status, 0) < 0, errno == EINTR {}
        let errors = errorDrain.wait()
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exit, output: stdout, errors: errors)
    }

    /// Starts, reads and waits, in one call.
    package static func run(
        _ program: String, arguments: [[UInt8]], environment: [String: String], directory: String,
        input: [UInt8]? = nil
    ) throws -> Result {
        try ChildProcess(program, arguments: arguments, environment: environment, directory: directory, input: input)
            .wait()
    }

    /// A child that did not finish within its time (`run(…timeout:)`).
    package struct TimedOut: Error, CustomStringConvertible {
        package let seconds: Int
        package var description: String { "did not finish within \(seconds) s, stopped" }
    }

    /// `run`, stopping the child and everything it started (its process group, with
    /// SIGKILL) when it has not finished within `seconds`: then `TimedOut`.
    package static func run(
        _ program: String, arguments: [[UInt8]], environment: [String: String], directory: String,
        input: [UInt8]? = nil, timeout seconds: Int
    ) throws -> Result {
        let child = try ChildProcess(
            program, arguments: arguments, environment: environment, directory: directory, input: input,
            ownProcessGroup: true)
        let watch = Watchdog()
        let group = child.identifier
        let timer = Thread {
            let deadline = Date().addingTimeInterval(TimeInterval(seconds))
            watch.condition.lock()
            defer { watch.condition.unlock() }
            while !watch.exited, watch.condition.wait(until: deadline) {}
            if !watch.exited {
                watch.killed = true
                kill(-group, SIGKILL)
            }
        }
        timer.start()
        let result = child.wait(
            consumingOutput: readToEnd,
            beforeReaping: {
                watch.condition.lock()
                watch.exited = true
                watch.condition.signal()
                watch.condition.unlock()
            })
        watch.condition.lock()
        defer { watch.condition.unlock() }
        if watch.killed { throw TimedOut(seconds: seconds) }
        return result
    }

    /// What the timer of `run(…timeout:)` and the waiting thread share.
    private final class Watchdog: @unchecked Sendable {
        let condition = NSCondition()
        var exited = false
        var killed = false
    }

    /// `program` itself when it holds a slash, else the first executable of that name
    /// in `path`'s directories (as a shell finds it; posix_spawnp would search this
    /// process's PATH, not the child's).
    private static func locate(_ program: String, path: String?) -> String? {
        if program.contains("/") { return program }
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

extension Optional {
    fileprivate func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}

/// Everything left to read on a file descriptor.
package func readToEnd(_ descriptor: Int32) -> [UInt8] {
    readToEnd(descriptor) { _ in }
}

/// Everything left to read on a file descriptor, each block also handed to `block`
/// as it arrives.
private func readToEnd(_ descriptor: Int32, block: (UnsafeRawBufferPointer) -> Void) -> [UInt8] {
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { return data }
        data += buffer[..<count]
        buffer.withUnsafeBytes { block(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }
}

/// Writes all of `bytes` to `descriptor`; false when it stopped taking them (a
/// closed pipe or terminal).
private func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0, errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}

/// The lines of a file descriptor as they arrive, read in 64 KiB blocks.
struct LineReader {
    let descriptor: Int32
    private var buffer = [UInt8]()
    /// Where the next line starts in `buffer`.
    private var start = 0
    private var block = [UInt8](repeating: 0, count: 65_536)

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// The next line without its LF or other `separator` (a last line without one
    /// too); nil at the end.
    mutating func next(until separator: UInt8 = 0x0A) -> ArraySlice<UInt8>? {
        var searched = start
        while true {
            if let end = buffer[searched...].firstIndex(of: separator) {
                defer { start = end + 1 }
                return buffer[start..<end]
            }
            // Lines already returned are dropped once per block read, not once per line.
            buffer.removeFirst(start)
            start = 0
            searched = buffer.count
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            buffer += block[..<count]
        }
    }

    /// What was read past the last line returned, taken out.
    mutating func takeBuffered() -> [UInt8] {
        defer {
            buffer = []
            start = 0
        }
        return Array(buffer[start...])
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

/// Reads a pipe to its end on a thread of its own, and closes it; copies what it
/// reads to `echo` as it comes, when there is one.
private final class Drain: @unchecked Sendable {
    private var data = [UInt8]()
    private let done = DispatchSemaphore(value: 0)

    init(_ descriptor: Int32, echo: Int32? = nil) {
        Thread.detachNewThread { [self] in
            // A closed terminal costs the echo, not the run: what writeAll says is ignored.
            data = readToEnd(descriptor) { block in if let echo { _ = writeAll(block, to: echo) } }
            close(descriptor)
            done.signal()
        }
    }

    func wait() -> [UInt8] {
        done.wait()
        return data
    }
}
