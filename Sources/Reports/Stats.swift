import Git
import Ledger

/// Lines added over a range of commits by origin and by agent and model, from the
/// commits' records (spec/reports.md §2). Commits without a record count as unknown:
/// "no data" is never reported as human.
public struct Stats: Sendable {
    public struct ModelShare: Sendable {
        public let agent: String
        public let model: String
        public var ai: Int
        public var mixed: Int
    }

    public var commits = 0
    public var commitsWithRecords = 0
    public var added = 0
    public var ai = 0
    public var mixed = 0
    public var human = 0
    /// Lines added by commits without a record.
    public var unknown = 0
    public var byModel: [ModelShare] = []

    public init() {}

    public static func compute(commits: [ObjectID], repository: Repository) throws -> Stats {
        let index = RecordIndex(repository: repository)
        var stats = Stats()
        var models = [String: ModelShare]()
        for commit in commits {
            stats.commits += 1
            guard let attribution = index.attribution(of: commit) else {
                stats.unknown += try repository.lineStats(of: commit).added
                continue
            }
            stats.commitsWithRecords += 1
            let totals = attribution.totals
            stats.ai += totals.ai
            stats.mixed += totals.mixed
            stats.human += totals.human
            // Lines a record leaves without a range (hand-made records) are unknown.
            stats.unknown += max(0, totals.added - totals.ai - totals.mixed - totals.human)
            for range in attribution.files.flatMap(\.ranges) where range.contributor.type != .human {
                let agent = range.contributor.agent ?? "unknown", model = range.contributor.modelID ?? "unknown/unknown"
                var share = models[agent + " " + model] ?? ModelShare(agent: agent, model: model, ai: 0, mixed: 0)
                if range.contributor.type == .ai { share.ai += range.lineCount } else { share.mixed += range.lineCount }
                models[agent + " " + model] = share
            }
        }
        stats.added = stats.ai + stats.mixed + stats.human + stats.unknown
        stats.byModel = models.values.sorted { ($0.ai + $0.mixed, $1.agent) > ($1.ai + $1.mixed, $0.agent) }
        return stats
    }

    /// A share of `added` in basis points (integers: reports never round twice).
    public func basisPoints(_ lines: Int) -> Int {
        added == 0 ? 0 : (lines * 10_000 + added / 2) / added
    }
}
