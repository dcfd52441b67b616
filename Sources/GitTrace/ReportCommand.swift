import ArgumentParser
import Classifier
import Foundation
import Git
import Ledger
import Policy
import Records
import Reports
import Verification

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A compliance report from the repository alone: AI share, reviews, models, risk, integrity.",
        discussion: """
            Over the commits of <range> (default: HEAD's history) committed in the period:
            the AI share of the lines added (per developer, directory, agent and model,
            month) and of the lines in the tree at the end of the period; acceptance per
            session and model; human review coverage (signed reviews by someone other than
            the author, with unsigned Reviewed-by: trailers apart); every model seen; AI
            lines in sensitive paths (sensitive_paths in .sessiontrace/policy.yml) without
            review; and the verification of every record used. --framework adds the
            controls the evidence supports, with its figures and gaps.

            Files .gitattributes marks linguist-generated or linguist-vendored, and lock
            files, are left out unless --include-generated.

              git trace report --since 2026-07-01 --until 2026-09-30 --framework soc2 --trust auditor/allowed_signers
              git trace report main --format html --output report.html

            Dates are YYYY-MM-DD (UTC; --until includes that day) or YYYY-MM-DDTHH:MM:SSZ.
            """
    )

    @Argument(help: ArgumentHelp("Commits: 'A..B' or a revision and its ancestors.", valueName: "range"))
    var range = "HEAD"

    @Option(help: ArgumentHelp("First day (or instant) of the period.", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Last day of the period (or the instant it ends, exclusive).", valueName: "date"))
    var until: String?

    @Option(
        help: ArgumentHelp(
            "Map the evidence to a framework's controls.", valueName: "framework"))
    var framework: Framework?

    @Option(help: ArgumentHelp("The report's form.", valueName: "format"))
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var trustOptions: TrustOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Option(
        help: ArgumentHelp(
            "The policy file giving sensitive paths (default: .sessiontrace/policy.yml at HEAD).", valueName: "file"))
    var policy: String?

    @Flag(name: .customLong("include-generated"), help: "Count generated, vendored and lock files too.")
    var includeGenerated = false

    @Flag(
        help: ArgumentHelp(
            "Use and extend the verification cache of 'git trace verify --cache'.",
            discussion: "Notes already verified under the same trust are read, not checked again."))
    var cache = false

    @Option(help: ArgumentHelp("Path components per directory in 'by directory'.", valueName: "n"))
    var depth = 1

    @Flag(
        name: .customLong("no-tree"), help: "Skip the lines surviving in the tree at the end of the period (no blame).")
    var noTree = false

    func run() throws {
        var options = ReportOptions()
        options.shareCalibrations = ClassifierModel.embeddedShareCalibration
        options.framework = framework
        guard depth >= 1 else { throw CommandFailure("--depth must be 1 or more") }
        options.range = range
        options.since = try since.map { try Self.parseDate($0, option: "--since", endOfDay: false) }
        options.until = try until.map { try Self.parseDate($0, option: "--until", endOfDay: true) }
        if let since = options.since, let until = options.until, since >= until {
            throw CommandFailure("--since \(self.since!) is not before --until \(self.until!)")
        }
        options.includeGenerated = includeGenerated
        options.directoryDepth = depth
        options.surviving = !noTree

        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        // The report itself says where its trust came from, on its first page.
        let loaded = try trustOptions.load(repository: repository, announce: false)
        let revokedKeys = loaded?.revoked ?? []
        let chosenPolicy = try Policy.load(explicitPath: policy, repository: repository)
        let verificationCache = TrustOptions.verificationCache(cache, trust: loaded, repository: repository)
        let report = try ReportBuilder.build(
            repository: repository, options: options, trust: loaded?.signers,
            trustFromRepository: loaded?.fromRepository ?? false, revoked: revokedKeys, policy: chosenPolicy,
            policyIsExplicit: policy != nil,
            cache: verificationCache, progress: progressOptions.steps)
        try emit(report.rendered(as: format), to: output, describing: "report")
    }

    /// `YYYY-MM-DD` (UTC midnight; the next midnight for an end date, so that the day
    /// is included) or `YYYY-MM-DDTHH:MM:SSZ`.
    static func parseDate(_ text: String, option: String, endOfDay: Bool) throws -> Int64 {
        if let instant = Timestamp.parse(text) { return instant }
        if text.utf8.count == 10, let midnight = Timestamp.parse(text + "T00:00:00Z") {
            return midnight + (endOfDay ? 86_400 : 0)
        }
        throw CommandFailure("\(option): '\(text)' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
    }
}

extension ReportFormat: ExpressibleByArgument {}

extension Framework: ExpressibleByArgument {
    /// Any case: `SOC2` is soc2.
    package init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
