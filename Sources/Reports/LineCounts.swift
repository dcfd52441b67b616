import CanonicalJSON
import Ledger
import Records

/// Lines by origin. Shares are basis points of the total computed from the integers
/// once (reports never round twice), and undefined — JSON null — when there are no
/// lines: "no data" is never 0 %.
package struct LineCounts: Sendable, Equatable {
    package var ai = 0
    package var mixed = 0
    package var human = 0
    /// Lines no record covers.
    package var unknown = 0

    package init(ai: Int = 0, mixed: Int = 0, human: Int = 0, unknown: Int = 0) {
        self.ai = ai
        self.mixed = mixed
        self.human = human
        self.unknown = unknown
    }

    package var total: Int { ai + mixed + human + unknown }
    /// Lines an agent wrote, whether or not a person edited them after.
    package var aiWritten: Int { ai + mixed }

    /// `lines` as a share of the total, in basis points (rounded half up); nil without
    /// lines, and nil for a share of origins when no line's origin is known: "no data"
    /// is not 0 % AI.
    package func basisPoints(_ lines: Int) -> Int? {
        total == 0 ? nil : (lines * 10_000 + total / 2) / total
    }

    /// The share of an origin (not `unknown`): nil when no line has a known origin.
    package func originShare(_ lines: Int) -> Int? {
        total == unknown ? nil : basisPoints(lines)
    }

    package static func += (lhs: inout LineCounts, rhs: LineCounts) {
        lhs.ai += rhs.ai
        lhs.mixed += rhs.mixed
        lhs.human += rhs.human
        lhs.unknown += rhs.unknown
    }

    mutating func add(_ origin: Origin, _ lines: Int) {
        switch origin {
        case .ai: ai += lines
        case .mixed: mixed += lines
        case .human: human += lines
        }
    }

    package var json: JSONValue {
        func share(_ lines: Int?) -> JSONValue { lines.map { .integer(Int64($0)) } ?? .null }
        return .object([
            "ai": .integer(Int64(ai)), "mixed": .integer(Int64(mixed)), "human": .integer(Int64(human)),
            "unknown": .integer(Int64(unknown)), "total": .integer(Int64(total)),
            "ai_bp": share(originShare(ai)), "mixed_bp": share(originShare(mixed)),
            "human_bp": share(originShare(human)),
            "unknown_bp": share(basisPoints(unknown)), "ai_written_bp": share(originShare(aiWritten)),
        ])
    }
}

/// A ratio in basis points, nil when the denominator is zero.
func basisPoints(_ part: Int, of whole: Int) -> Int? {
    whole == 0 ? nil : (part * 10_000 + whole / 2) / whole
}

/// `12.34%`, or `n/a` for an undefined share.
package func percent(_ basisPoints: Int?) -> String {
    guard let basisPoints else { return "n/a" }
    let fraction = basisPoints % 100
    return "\(basisPoints / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
}
