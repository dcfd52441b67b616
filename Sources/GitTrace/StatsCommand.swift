import ArgumentParser
import CanonicalJSON
import Classifier
import Policy
import Reports

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "AI share of the lines added in a range of commits, by origin and by agent and model.",
        discussion: """
            The figures of 'git trace report' for the lines added, on one screen. Lines
            added by commits without a record are unknown, never human; generated,
            vendored and lock files are left out unless --include-generated.

              git trace stats                 # the history of HEAD
              git trace stats main~100..main --json
            """
    )

    @Argument(help: ArgumentHelp("Commits: 'A..B' or a revision and its ancestors.", valueName: "range"))
    var range = "HEAD"

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Flag(name: .customLong("include-generated"), help: "Count generated, vendored and lock files too.")
    var includeGenerated = false

    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        let trust = try trustOptions.forDisplay(repository: repository)
        var options = ReportOptions()
        options.shareCalibrations = ClassifierModel.embeddedShareCalibration
        options.range = range
        options.surviving = false
        options.includeGenerated = includeGenerated
        let report = try ReportBuilder.build(
            repository: repository, options: options, trust: trust?.signers, trustFromRepository: false,
            revoked: trust?.revoked ?? [], policy: Policy(), progress: progressOptions.steps)
        defer {
            if trust == nil { printError(TrustOptions.unverifiedWarning) }
            for warning in report.headlineWarnings where trust != nil && !warning.hasPrefix("no attribution data") {
                printError("warning: \(warning)")
            }
        }
        let lines = report.added
        let models = report.models.sorted { ($0.ai + $0.mixed, $1.agent) > ($1.ai + $1.mixed, $0.agent) }
        if json {
            print(
                JSONValue.object([
                    "commits": .integer(Int64(report.commits)),
                    "commits_with_records": .integer(Int64(report.commitsWithRecords)),
                    "lines_added": .integer(Int64(lines.total)), "ai": .integer(Int64(lines.ai)),
                    "mixed": .integer(Int64(lines.mixed)),
                    "human": .integer(Int64(lines.human)), "unknown": .integer(Int64(lines.unknown)),
                    "by_model": .array(
                        models.map {
                            .object([
                                "agent": .string($0.agent), "model_id": .string($0.model), "ai": .integer(Int64($0.ai)),
                                "mixed": .integer(Int64($0.mixed)),
                            ])
                        }),
                    "estimates": report.estimates?.json ?? .null,
                ]).canonicalString)
            return
        }
        // Estimates are said apart, after the captured figures, and as estimates.
        defer {
            if let estimates = report.estimates { print("estimates     \(estimates.sentence) Not captured data.") }
        }
        if report.hasNoAttributionData {
            print("no attribution data: none of the \(report.commits) commits in \(range) has a record")
            return
        }
        func share(_ count: Int) -> String {
            "\(String(count).leftPadded(to: 8))  \(percent(lines.basisPoints(count)).leftPadded(to: 7))"
        }
        print(
            "commits       \(report.commits) (\(report.commitsWithRecords) with records, \(report.commits - report.commitsWithRecords) without)"
        )
        print("lines added   \(lines.total)")
        print("  ai        \(share(lines.ai))")
        print("  mixed     \(share(lines.mixed))   AI-written, then edited by a person")
        print("  human     \(share(lines.human))")
        print("  unknown   \(share(lines.unknown))   no record")
        if !models.isEmpty { print("by agent and model") }
        for model in models {
            print(
                "  \(model.agent.padding(toLength: 12, withPad: " ", startingAt: 0)) \(model.model.padding(toLength: 36, withPad: " ", startingAt: 0)) ai \(String(model.ai).leftPadded(to: 6))  mixed \(String(model.mixed).leftPadded(to: 6))"
            )
        }
        if report.excluded.total > 0 {
            print(
                "excluded      \(report.excluded.total) lines in generated, vendored or lock files (--include-generated counts them)"
            )
        }
    }
}
