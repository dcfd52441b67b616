import CanonicalJSON

/// The estimate predicate (`https://sessiontrace.dev/estimate/v1`, spec/records.md §8.3):
/// what the classifier (spec/classifier.md) said of a commit that has no attribution
/// record, signed by whoever ran it. Never a fact: reports show estimates apart and
/// never add them to captured figures. Version 2 only.
package struct Estimate: Sendable, Equatable {
    package static let predicateType = "https://sessiontrace.dev/estimate/v1"
    /// The metadata signals that may settle an estimate (spec/classifier.md §2).
    package static let evidenceNames = [
        "agent-author", "ai-assistant-trailer", "ai-coauthor-trailer", "before-ai-assistants", "generated-with",
    ]

    /// One scored block: lines the commit added, and their probability of AI authorship.
    package struct Block: Sendable, Equatable {
        package var path: String
        package var lines: ClosedRange<Int>
        package var probabilityBP: Int

        package init(path: String, lines: ClosedRange<Int>, probabilityBP: Int) {
            self.path = path
            self.lines = lines
            self.probabilityBP = probabilityBP
        }

        /// The order of a record's blocks: by path (code points), then by line.
        package static func precedes(_ a: Block, _ b: Block) -> Bool {
            a.path != b.path ? JSONValue.codePointOrder(a.path, b.path) : a.lines.lowerBound < b.lines.lowerBound
        }
    }

    /// `blocks` (in record order) cut to the lines their commit added: `added(path)`
    /// gives the cut for one file (asked once per path); each piece keeps its block's
    /// probability. What writers record and what displays without a trust file count
    /// (spec/records.md §8.3).
    package static func cut(
        _ blocks: [Block], to added: (_ path: String) -> (ClosedRange<Int>) -> [ClosedRange<Int>]
    ) -> [Block] {
        var cuts = [String: (ClosedRange<Int>) -> [ClosedRange<Int>]]()
        return blocks.flatMap { block in
            let cut = cuts[block.path] ?? added(block.path)
            cuts[block.path] = cut
            return cut(block.lines).map { Block(path: block.path, lines: $0, probabilityBP: block.probabilityBP) }
        }
    }

    package var tool: ToolInfo
    /// Whoever ran the classifier and signed its answer.
    package var signer: SignerInfo
    package var estimatedAt: String
    /// The model's id (`sessiontrace-lr-20261206`) and the SHA-256 of its file: which
    /// weights exactly, so the estimate can be made again.
    package var model: String
    package var modelSHA256: String
    /// Metadata was ignored (`classify --content-only`).
    package var contentOnly: Bool
    /// The metadata signals that settled it, sorted; empty when the content decided.
    package var evidence: [String]
    /// The commit's probability; nil when nothing in it carried a signal.
    package var probabilityBP: Int?
    /// The scored blocks, by path (code-point order) then line.
    package var blocks: [Block]
    /// Lines the commit added that were not scored (`unknown`: short blocks, imports,
    /// generated or vendored files).
    package var unscoredLines: Int

    package init(
        tool: ToolInfo, signer: SignerInfo, estimatedAt: String, model: String, modelSHA256: String,
        contentOnly: Bool, evidence: [String], probabilityBP: Int?, blocks: [Block], unscoredLines: Int
    ) {
        self.tool = tool
        self.signer = signer
        self.estimatedAt = estimatedAt
        self.model = model
        self.modelSHA256 = modelSHA256
        self.contentOnly = contentOnly
        self.evidence = evidence
        self.probabilityBP = probabilityBP
        self.blocks = blocks
        self.unscoredLines = unscoredLines
    }

    /// `high`, `medium` or `low` (spec/classifier.md §4): how far the probability is
    /// from a coin toss.
    package static func confidence(_ bp: Int) -> String {
        bp <= 1_000 || bp >= 9_000 ? "high" : (bp < 2_500 || bp > 7_500) ? "medium" : "low"
    }

    package var confidence: String? { probabilityBP.map(Self.confidence) }

    /// The lines the estimate speaks of, by path: each must be a line the commit added.
    package var claimedLines: [(path: String, lines: [ClosedRange<Int>])] {
        var result = [(path: String, lines: [ClosedRange<Int>])]()
        for block in blocks {
            if result.last?.path == block.path {
                result[result.count - 1].lines.append(block.lines)
            } else {
                result.append((block.path, [block.lines]))
            }
        }
        return result
    }

    /// How `made` (the estimate made again from the commit) differs from this one, or
    /// nil when it does not: the same evidence, blocks and unscored lines, and every
    /// probability within 1 basis point (the last digit may differ between platforms'
    /// floating-point libraries).
    package func difference(from made: Estimate) -> String? {
        func close(_ a: Int?, _ b: Int?) -> Bool {
            a == b || (a != nil && b != nil && abs(a! - b!) <= 1)
        }
        func shown(_ bp: Int?) -> String { bp.map { "\($0) bp" } ?? "none" }
        if evidence != made.evidence {
            return
                "its evidence is [\(evidence.joined(separator: ", "))], the commit gives [\(made.evidence.joined(separator: ", "))]"
        }
        if !close(probabilityBP, made.probabilityBP) {
            return "it states probability \(shown(probabilityBP)), the model gives \(shown(made.probabilityBP))"
        }
        for (stated, again) in zip(blocks, made.blocks) where stated.path != again.path || stated.lines != again.lines {
            return "it states a block \(stated.path):\(stated.lines.lowerBound)-\(stated.lines.upperBound), "
                + "the commit's is \(again.path):\(again.lines.lowerBound)-\(again.lines.upperBound)"
        }
        if blocks.count != made.blocks.count {
            return "it states \(blocks.count) scored blocks, the commit has \(made.blocks.count)"
        }
        for (stated, again) in zip(blocks, made.blocks) where !close(stated.probabilityBP, again.probabilityBP) {
            return
                "it states \(shown(stated.probabilityBP)) for \(stated.path):\(stated.lines.lowerBound)-\(stated.lines.upperBound), "
                + "the model gives \(shown(again.probabilityBP))"
        }
        if unscoredLines != made.unscoredLines {
            return "it states \(unscoredLines) lines not scored, the commit has \(made.unscoredLines)"
        }
        return nil
    }

    /// Whether `a` (digest `aDigest`) governs a commit rather than `b`: the newer, and
    /// on equal times the greater digest, as for attribution records (spec/reports.md).
    package static func governs(_ a: Estimate, _ aDigest: String, over b: Estimate, _ bDigest: String) -> Bool {
        a.estimatedAt != b.estimatedAt ? a.estimatedAt > b.estimatedAt : aDigest > bDigest
    }
}

/// How the probabilities of many blocks are read as a share of lines (spec/classifier.md
/// §6), measured when the model was trained: the line-weighted mean held-out
/// probability of contemporary human blocks and of AI blocks, and how far one
/// repository's means stray from them (standard deviations over repositories).
package struct ShareCalibration: Sendable, Equatable {
    package var humanMean: Double
    package var aiMean: Double
    package var humanDeviation: Double
    package var aiDeviation: Double

    /// Below this gap between the class means the share cannot be read from the blocks.
    package static let minimumSeparation = 0.05

    package init(humanMean: Double, aiMean: Double, humanDeviation: Double, aiDeviation: Double) {
        self.humanMean = humanMean
        self.aiMean = aiMean
        self.humanDeviation = humanDeviation
        self.aiDeviation = aiDeviation
    }

    package var separatesClasses: Bool { aiMean - humanMean >= Self.minimumSeparation }
}

/// Estimated AI lines over blocks (spec/classifier.md §6, spec/reports.md §3.3,
/// `estimates`). Blocks a metadata signal settled count at their probability; blocks the
/// content was scored on are read together through the model's share calibration, whose
/// interval holds how far one repository strays from the corpus, not only chance.
package struct EstimateTally: Sendable, Equatable {
    package private(set) var linesScored = 0
    private var settledLines = 0
    private var settledExpected = 0.0
    private var settledVariance = 0.0
    private var contentLines = 0
    private var contentExpected = 0.0
    private var contentSampling = 0.0

    package init() {}

    /// `settled`: a metadata signal (spec/classifier.md §2) gave the probability.
    package mutating func add(lines: Int, probabilityBP: Int, settled: Bool) {
        let p = Double(probabilityBP) / 10_000, n = Double(lines)
        linesScored += lines
        if settled {
            settledLines += lines
            settledExpected += p * n
            settledVariance += n * n * p * (1 - p)
        } else {
            contentLines += lines
            contentExpected += p * n
            contentSampling += n * n * p * (1 - p)
        }
    }

    /// The figures, reading the content-scored blocks with `calibration`; without one
    /// (or one that does not separate the classes) those lines are left out of them.
    /// The settled and the content-scored lines each have an interval held to their own
    /// lines; the figures' interval is the two added.
    package func figures(_ calibration: ShareCalibration?) -> EstimateFigures {
        let settledSpread = 1.96 * settledVariance.squareRoot()
        var figures = EstimateFigures(
            linesScored: linesScored, readableLines: settledLines, expected: settledExpected,
            low: max(0, settledExpected - settledSpread),
            high: min(Double(settledLines), settledExpected + settledSpread))
        guard contentLines > 0 else { return figures }
        guard let calibration, calibration.separatesClasses else {
            figures.linesWithoutCalibration = contentLines
            return figures
        }
        let lines = Double(contentLines), gap = calibration.aiMean - calibration.humanMean
        let raw = (contentExpected / lines - calibration.humanMean) / gap
        let share = min(1, max(0, raw))
        let deviation =
            ((1 - share) * (1 - share) * calibration.humanDeviation * calibration.humanDeviation
            + share * share * calibration.aiDeviation * calibration.aiDeviation
            + contentSampling / (lines * lines)).squareRoot() / gap
        figures.readableLines += contentLines
        figures.expected += share * lines
        figures.low += min(share, max(0, raw - 1.96 * deviation)) * lines
        figures.high += max(share, min(1, raw + 1.96 * deviation)) * lines
        return figures
    }
}

/// What `EstimateTally.figures` gives; figures of several models add up (`+`).
package struct EstimateFigures: Sendable, Equatable {
    package var linesScored = 0
    /// Lines scored from content by a model without a share calibration: in no figure.
    package var linesWithoutCalibration = 0
    /// The lines the figures speak of.
    package var readableLines = 0
    var expected = 0.0
    var low = 0.0
    var high = 0.0

    package init() {}

    init(linesScored: Int, readableLines: Int, expected: Double, low: Double, high: Double) {
        self.linesScored = linesScored
        self.readableLines = readableLines
        self.expected = expected
        self.low = low
        self.high = high
    }

    package static func + (a: EstimateFigures, b: EstimateFigures) -> EstimateFigures {
        var sum = EstimateFigures(
            linesScored: a.linesScored + b.linesScored, readableLines: a.readableLines + b.readableLines,
            expected: a.expected + b.expected, low: a.low + b.low, high: a.high + b.high)
        sum.linesWithoutCalibration = a.linesWithoutCalibration + b.linesWithoutCalibration
        return sum
    }

    /// nil when no line scored can be read.
    package var estimatedAILines: Int? { readableLines == 0 ? nil : Int(expected.rounded()) }

    /// The 95 % interval of the AI lines, which always holds the estimate.
    package var interval: (low: Int, high: Int)? {
        guard let estimate = estimatedAILines else { return nil }
        return (min(Int(low.rounded()), estimate), max(Int(high.rounded()), estimate))
    }

    /// The estimated AI share of the lines read, in basis points; nil when none were.
    package var shareBP: Int? {
        readableLines == 0 ? nil : Int((expected / Double(readableLines) * 10_000).rounded())
    }

    /// `lines_scored`, `lines_without_share_calibration`, `estimated_ai_lines`,
    /// `estimated_ai_lines_95` and `estimated_ai_share_bp`, as classify's summary and the
    /// report's `estimates` give them.
    package var jsonMembers: JSONObject {
        [
            "lines_scored": .integer(Int64(linesScored)),
            "lines_without_share_calibration": .integer(Int64(linesWithoutCalibration)),
            "estimated_ai_lines": estimatedAILines.map { .integer(Int64($0)) } ?? .null,
            "estimated_ai_lines_95": interval.map { .array([.integer(Int64($0.low)), .integer(Int64($0.high))]) }
                ?? .null,
            "estimated_ai_share_bp": shareBP.map { .integer(Int64($0)) } ?? .null,
        ]
    }
}
