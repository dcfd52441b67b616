import Foundation

/// How far long work has come, as git shows it on a terminal:
///
///     Verifying records:  45% (27000/60000), 12 s left
///     Verifying records: 100% (60000/60000), done.
///
/// One line on stderr, rewritten in place (`\r`) at most ten times a second. Shown only
/// when asked for: `ProgressMeter.wanted` says whether a command should (stderr a terminal,
/// no `--quiet`; `--progress` forces it, as git's own option does). Hooks never ask.
/// Safe to advance from several threads.
package final class ProgressMeter: @unchecked Sendable {
    private let title: String
    private let total: Int
    private let write: (String) -> Void
    private let clock: () -> TimeInterval
    private let lock = NSLock()
    private let started: TimeInterval
    private var done = 0
    private var lastShown: TimeInterval = -.infinity
    private var finished = false

    /// `write` receives each rewritten line (standard error by default); `clock` the
    /// time in seconds (for tests).
    package init(
        _ title: String, total: Int, write: @escaping (String) -> Void = ProgressMeter.standardError,
        clock: @escaping () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.title = title
        self.total = max(0, total)
        self.write = write
        self.clock = clock
        started = clock()
    }

    /// Whether a command shows progress: `--progress` forces it on, `--quiet` off, else
    /// only when standard error is a terminal.
    package static func wanted(progress: Bool, quiet: Bool) -> Bool {
        if quiet { return false }
        return progress || isatty(STDERR_FILENO) == 1
    }

    package static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `count` more items done.
    package func advance(by count: Int = 1) {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        done = min(total, done + count)
        let now = clock()
        guard now - lastShown >= 0.1 else { return }
        lastShown = now
        var line = "\r\(title): \(percent) (\(done)/\(total))"
        // An estimate once there is something to go on.
        let elapsed = now - started
        if done > 0, done < total, elapsed >= 1 {
            let left = elapsed * Double(total - done) / Double(done)
            line += left < 60 ? ", \(Int(left.rounded())) s left" : ", \(Int((left / 60).rounded())) min left"
        }
        write(line + "   ")  // the spaces cover a longer estimate shown before
    }

    /// The last line: everything done.
    package func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        done = total
        write("\r\(title): \(percent) (\(done)/\(total)), done.   \n")
    }

    private var percent: String {
        let value = total == 0 ? 100 : done * 100 / total
        return String(repeating: " ", count: value < 10 ? 2 : value < 100 ? 1 : 0) + "\(value)%"
    }
}
