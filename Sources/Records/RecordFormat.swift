import CanonicalJSON

/// The versions of the record format (spec/records.md). Version 1 is an in-toto
/// statement that spells every range out; version 2 (§8) is SessionTrace's own compact
/// statement: each label once, ranges as range lists, the lines nobody listed in one
/// `rest`. Readers read both for ever; the payload type says which a record is.
public enum RecordFormat: Int, Sendable, CaseIterable {
    case v1 = 1
    case v2 = 2

    public var payloadType: String {
        switch self {
        case .v1: Envelope.inTotoPayloadType
        case .v2: "application/vnd.sessiontrace.v2+json"
        }
    }

    package init?(payloadType: String) {
        guard let format = Self.allCases.first(where: { $0.payloadType == payloadType }) else { return nil }
        self = format
    }
}

/// Line ranges written as version 2 writes them: `3-20,40,41-45` is not canonical,
/// `3-20,40-45` is (ascending, neither overlapping nor touching, `N` for one line).
package enum RangeList {
    /// Joins ranges that touch or overlap and writes them in order.
    package static func format(_ ranges: [ClosedRange<Int>]) -> String {
        merged(ranges).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }

    /// The ranges in order, those that touch or overlap joined.
    package static func merged(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var merged = [ClosedRange<Int>]()
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The ranges of canonical text, or nil: numbers from 1 to 2^31 without leading
    /// zeros, `N-M` only with N < M, each range starting after the line after the last.
    package static func parse(_ text: String) -> [ClosedRange<Int>]? {
        var ranges = [ClosedRange<Int>]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2, let first = number(ends[0]) else { return nil }
            var range = first...first
            if ends.count == 2 {
                guard let last = number(ends[1]), last > first else { return nil }
                range = first...last
            }
            if let previous = ranges.last, range.lowerBound <= previous.upperBound + 1 { return nil }
            ranges.append(range)
        }
        return ranges
    }

    private static func number(_ text: Substring) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.count <= 10,
            text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text), value <= 1 << 31
        else { return nil }
        return value
    }
}

extension RangeLabel {
    /// `{"type", "agent", "model", "session", "prompt_sha256" | "prompt_hmac_sha256",
    /// "confidence_bp"}`, the optional members omitted (confidence when it is 10 000).
    package var v2JSON: JSONValue {
        var members: JSONObject = ["type": .string(contributor.type.rawValue)]
        if let agent = contributor.agent { members["agent"] = .string(agent) }
        if let model = contributor.modelID { members["model"] = .string(model) }
        if let sessionID { members["session"] = .string(sessionID) }
        if let promptDigest, let kind = PromptDigest(promptDigest) { members[kind.member] = .string(kind.hex) }
        if confidenceBasisPoints != 10_000 { members["confidence_bp"] = .integer(Int64(confidenceBasisPoints)) }
        return .object(members)
    }
}

extension Statement {
    /// The version 2 payload (spec/records.md §8).
    var v2JSON: JSONValue {
        var members: JSONObject = [
            "_signer": .string(signer.email), "_tool": .string("\(tool.name) \(tool.version)"),
            "commit": .string(commit), "time": .integer(Timestamp.parse(signedAt) ?? 0),
        ]
        switch predicate {
        case .attribution(let stated):
            members["_kind"] = .string("attribution")
            let attribution = stated.withRest(stated.rest)
            let files = attribution.files
            var labels = Set(files.flatMap { $0.ranges.map(\.label) })
            if let rest = attribution.rest { labels.insert(rest) }
            let ordered = labels.map { ($0, $0.v2JSON.canonicalBytes) }.sorted {
                $0.1.lexicographicallyPrecedes($1.1)
            }
            let index = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.0, $0) })
            members["by"] = .array(ordered.map { $0.0.v2JSON })
            if !files.isEmpty {
                var encoded = JSONObject()
                for file in files {
                    var byLabel = [Int: [ClosedRange<Int>]]()
                    for range in file.ranges {
                        byLabel[index[range.label]!, default: []].append(range.startLine...range.endLine)
                    }
                    encoded[file.path] = .array(
                        byLabel.keys.sorted().map {
                            .array([.integer(Int64($0)), .string(RangeList.format(byLabel[$0]!))])
                        })
                }
                members["files"] = .object(encoded)
            }
            if let rest = attribution.rest { members["rest"] = .integer(Int64(index[rest]!)) }
            attribution.addHistory(to: &members)
        case .review(let review):
            members["_kind"] = .string("review")
            members["author"] = review.author.json
            members["self_review"] = .bool(review.selfReview)
            if let comment = review.comment { members["comment"] = .string(comment) }
            if let change = review.change { members["change"] = .string(change) }
        case .waiver(let waiver):
            members["_kind"] = .string("waiver")
            members["author"] = waiver.author.json
            members["rule"] = .string(waiver.rule)
            members["reason"] = .string(waiver.reason)
            if let change = waiver.change { members["change"] = .string(change) }
        case .estimate(let estimate):
            members["_kind"] = .string("estimate")
            estimate.add(to: &members)
        }
        return .object(members)
    }
}

extension Statement {
    /// The statement as version 2 states it: without what version 1 copies from the
    /// commit (the committer, the totals), the signer's public key (the envelope's
    /// keyid names it) and the ranges' content hashes (the commit id binds the content).
    package var inVersion2: Statement {
        var statement = self
        statement.format = .v2
        switch predicate {
        case .attribution(var attribution):
            attribution.committer = nil
            attribution.totals = nil
            attribution.signer.publicKey = nil
            for index in attribution.files.indices {
                for range in attribution.files[index].ranges.indices {
                    attribution.files[index].ranges[range].contentHash = nil
                }
            }
            statement.predicate = .attribution(attribution)
        case .review(var review):
            review.signer.publicKey = nil
            statement.predicate = .review(review)
        case .waiver(var waiver):
            waiver.signer.publicKey = nil
            statement.predicate = .waiver(waiver)
        case .estimate(var estimate):
            estimate.signer.publicKey = nil
            statement.predicate = .estimate(estimate)
        }
        return statement
    }
}

extension Estimate {
    /// The members after the common ones (spec/records.md §8.3), optional ones omitted.
    func add(to members: inout JSONObject) {
        members["model"] = .string(model)
        members["model_sha256"] = .string(modelSHA256)
        members["content_only"] = .bool(contentOnly)
        if !evidence.isEmpty { members["evidence"] = .array(evidence.map(JSONValue.string)) }
        if let probabilityBP {
            members["probability_bp"] = .integer(Int64(probabilityBP))
            members["confidence"] = .string(Self.confidence(probabilityBP))
        }
        if !blocks.isEmpty {
            var files = JSONObject()
            for block in blocks {
                let range = RangeList.format([block.lines])
                var list = files[block.path]?.arrayValue ?? []
                list.append(.array([.string(range), .integer(Int64(block.probabilityBP))]))
                files[block.path] = .array(list)
            }
            members["files"] = .object(files)
        }
        if unscoredLines > 0 { members["unscored"] = .integer(Int64(unscoredLines)) }
    }
}
