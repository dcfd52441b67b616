import ArgumentParser
import Diagnostics

/// `--progress` and `--quiet`, as git's own commands take them: progress lines on a
/// terminal by default, forced with `--progress`, never with `--quiet`.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Show progress on stderr even when it is not a terminal.")
    var progress = false

    @Flag(name: .shortAndLong, help: "Show no progress.")
    var quiet = false

    /// The progress line titled `title`, when one is wanted.
    func make(_ title: String) -> (@Sendable (Int) -> ProgressMeter)? {
        guard ProgressMeter.wanted(progress: progress, quiet: quiet) else { return nil }
        return { ProgressMeter(title, total: $0) }
    }

    /// Progress lines for work of several steps, each titled by the step.
    var steps: (@Sendable (String, Int) -> ProgressMeter)? {
        guard ProgressMeter.wanted(progress: progress, quiet: quiet) else { return nil }
        return { ProgressMeter($0, total: $1) }
    }
}
