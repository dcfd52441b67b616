import CanonicalJSON
import Diagnostics
import Foundation
import Signing

/// Why a payload is not a valid statement (spec/records.md §4), naming the member.
package struct SchemaError: UserFacingError, Equatable {
    package let path: String
    package let problem: String
    package var description: String { path.isEmpty ? problem : "\(path): \(problem)" }

    /// The same error seen from the object holding `member` (a key, or `key[index]`).
    func under(_ member: String) -> SchemaError {
        SchemaError(
            path: path.isEmpty ? member : path.hasPrefix("[") ? member + path : member + "." + path, problem: problem)
    }
}

/// Reads one JSON object member by member and refuses members it was not asked for,
/// so that a verifier never silently ignores a claim it does not understand. Reads
/// the parsed document in place: values are tape indices, text becomes a `String`
/// only when asked for.
///
/// Nested objects are read in closures (`object`, `objects`): an error names its
/// member relative to the reader that throws it and gains its path on the way out, so
/// no path text is built for a statement that is valid.
private struct MemberReader {
    let tape: JSONTape
    /// The object's entry in the tape.
    let object: Int
    /// The positions of the members read so far, one bit each.
    private var read: UInt64 = 0

    private init(_ tape: JSONTape, _ index: Int) throws {
        let entry = tape.entries[index]
        guard entry.kind == .object else { throw SchemaError(path: "", problem: "must be an object") }
        // No object of the schema comes near this; it keeps `read` to one word.
        guard entry.count <= 64 else {
            throw SchemaError(path: "", problem: "has \(entry.count) members, more than any record object")
        }
        self.tape = tape
        object = index
    }

    /// Reads the value at `index` as an object with `body`, which must leave no member unread.
    static func read<T>(_ tape: JSONTape, _ index: Int, _ body: (inout MemberReader) throws -> T) throws -> T {
        var reader = try MemberReader(tape, index)
        let result = try body(&reader)
        try reader.finish()
        return result
    }

    func error(_ key: StaticString, _ problem: String) -> SchemaError {
        SchemaError(path: "\(key)", problem: problem)
    }

    /// Where the last member was found (position, key entry): the next search starts
    /// after it, so keys asked for in canonical (sorted) order are found at once.
    private var lastFound = (position: -1, key: 0)

    /// The position and value index of member `key`.
    private mutating func find(_ key: StaticString) -> (position: Int, value: Int)? {
        let count = Int(tape.entries[object].count)
        var (position, index) = lastFound
        for _ in 0..<count {
            if position < 0 || position == count - 1 {
                (position, index) = (0, object + 1)  // the first member, or around to it
            } else {
                position += 1
                index = tape.next(after: index + 1)
            }
            if tape.string(at: index, equals: key) {
                lastFound = (position, index)
                return (position, index + 1)
            }
        }
        return nil
    }

    /// The index of member `key`'s value.
    mutating func value(_ key: StaticString) throws -> Int {
        guard let (position, value) = find(key) else { throw error(key, "missing") }
        read |= 1 << UInt64(position)
        return value
    }

    mutating func has(_ key: StaticString) -> Bool { find(key) != nil }

    mutating func string(_ key: StaticString, nonEmpty: Bool = true) throws -> String {
        let index = try value(key)
        guard tape.entries[index].kind == .string else { throw error(key, "must be a string") }
        let text = tape.string(at: index)
        guard !nonEmpty || !text.isEmpty else { throw error(key, "must not be empty") }
        return text
    }

    /// Whether member `key`, a string, is `text` (compared as bytes, no `String` made).
    mutating func string(_ key: StaticString, is text: String) throws -> Bool {
        let index = try value(key)
        guard tape.entries[index].kind == .string else { throw error(key, "must be a string") }
        return tape.stringBytes(at: index).elementsEqual(text.utf8)
    }

    mutating func optionalString(_ key: StaticString) throws -> String? {
        has(key) ? try string(key) : nil
    }

    /// An optional count that is omitted when zero (0 when absent; an explicit 0 is not
    /// canonical and refused).
    mutating func positiveCount(_ key: StaticString) throws -> Int {
        guard has(key) else { return 0 }
        return try integer(key, in: 1...JSONValue.maxSafeInteger)
    }

    /// An approval's optional `change` (spec/records.md §8.2).
    mutating func changeID() throws -> String? {
        guard let change = try optionalString("change") else { return nil }
        guard isLowerHex(change, count: 64, after: "sha256:") else {
            throw error("change", "must be sha256:<64 lower-case hex digits>")
        }
        return change
    }

    mutating func integer(_ key: StaticString, in range: ClosedRange<Int64>) throws -> Int {
        let entry = tape.entries[try value(key)]
        guard entry.kind == .integer else { throw error(key, "must be an integer") }
        guard range.contains(entry.integer) else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int(entry.integer)
    }

    mutating func bool(_ key: StaticString) throws -> Bool {
        let entry = tape.entries[try value(key)]
        guard entry.kind == .boolean else { throw error(key, "must be true or false") }
        return entry.flag
    }

    /// The indices of the elements of member `key`, an array.
    mutating func array(_ key: StaticString) throws -> [Int] {
        let index = try value(key)
        let entry = tape.entries[index]
        guard entry.kind == .array else { throw error(key, "must be an array") }
        var elements = [Int]()
        elements.reserveCapacity(Int(entry.count))
        var element = index + 1
        while element < Int(entry.end) {
            elements.append(element)
            element = tape.next(after: element)
        }
        return elements
    }

    /// Member `key`, an object, read with `body`.
    mutating func object<T>(_ key: StaticString, _ body: (inout MemberReader) throws -> T) throws -> T {
        let index = try value(key)
        do {
            return try MemberReader.read(tape, index, body)
        } catch let error as SchemaError {
            throw error.under("\(key)")
        }
    }

    /// Member `key`, an array of objects, each read with `body` (given its index).
    mutating func objects<T>(_ key: StaticString, _ body: (Int, inout MemberReader) throws -> T) throws -> [T] {
        let elements = try array(key)
        var results = [T]()
        results.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do {
                results.append(try MemberReader.read(tape, element) { try body(index, &$0) })
            } catch let error as SchemaError {
                throw error.under("\(key)[\(index)]")
            }
        }
        return results
    }

    /// `{"name", "version"}`.
    mutating func tool(_ key: StaticString) throws -> ToolInfo {
        try object(key) { ToolInfo(name: try $0.string("name"), version: try $0.string("version")) }
    }

    /// `{"email", "public_key"}`, the key an ssh-ed25519 public key.
    mutating func signer(_ key: StaticString) throws -> SignerInfo {
        try object(key) { reader in
            let email = try reader.string("email"), publicKey = try reader.string("public_key")
            guard (try? PublicKey.cached(openSSH: publicKey)) != nil else {
                throw reader.error("public_key", "must be an ssh-ed25519 public key")
            }
            return SignerInfo(email: email, publicKey: publicKey)
        }
    }

    /// `{"name", "email", "time"}` of a commit's author or committer.
    mutating func person(_ key: StaticString) throws -> CommitterStamp {
        try object(key) { reader in
            let person = CommitterStamp(
                name: try reader.string("name", nonEmpty: false), email: try reader.string("email", nonEmpty: false),
                time: try reader.string("time"))
            guard Timestamp.parse(person.time) != nil else {
                throw reader.error("time", "must be YYYY-MM-DDTHH:MM:SSZ")
            }
            return person
        }
    }

    /// `prompt_sha256` or `prompt_hmac_sha256` (64 lower-case hex digits, at most one),
    /// tagged as PromptDigest writes it; nil when neither is given.
    mutating func promptDigest() throws -> String? {
        let plain = try optionalString("prompt_sha256")
        if let plain, !isLowerHex(plain, count: 64) {
            throw error("prompt_sha256", "must be 64 lower-case hex digits")
        }
        let keyed = try optionalString("prompt_hmac_sha256")
        if let keyed, !isLowerHex(keyed, count: 64) {
            throw error("prompt_hmac_sha256", "must be 64 lower-case hex digits")
        }
        if plain != nil, keyed != nil {
            throw error("prompt_hmac_sha256", "one prompt digest, not two")
        }
        return plain.map { "sha256:" + $0 } ?? keyed.map { "hmac-sha256:" + $0 }
    }

    /// Member `files`: an object from normalised repository-relative paths to non-empty
    /// arrays (of `shape`, for messages). `body` gets each path, its place for messages
    /// and its elements, in the payload's order.
    mutating func eachFile(shape: String, _ body: (_ path: String, _ place: String, _ elements: [Int]) throws -> Void)
        throws
    {
        let object = try value("files")
        guard tape.entries[object].kind == .object, tape.entries[object].count > 0 else {
            throw error("files", "must be an object naming at least one file")
        }
        var key = object + 1
        while key < Int(tape.entries[object].end) {
            let path = tape.string(at: key)
            let value = key + 1
            key = tape.next(after: value)
            guard AttributedFile.isNormalised(path) else {
                throw SchemaError(path: "files", problem: "\"\(path)\" is not a normalised repository-relative path")
            }
            let place = "files[\"\(path)\"]"
            let elements = tape.elements(of: value)
            guard tape.entries[value].kind == .array, !elements.isEmpty else {
                throw SchemaError(path: place, problem: "must be a non-empty array of \(shape)")
            }
            try body(path, place, elements)
        }
    }

    func finish() throws {
        let count = Int(tape.entries[object].count)
        let everything: UInt64 = count == 64 ? ~0 : (1 << UInt64(count)) - 1
        guard read != everything else { return }
        var unknown = [String]()
        var index = object + 1
        for position in 0..<count {
            if read & (1 << UInt64(position)) == 0 { unknown.append(tape.string(at: index)) }
            index = tape.next(after: index + 1)
        }
        throw SchemaError(
            path: "", problem: "unknown member \(unknown.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
    }
}

private let maxLineNumber: Int64 = 1 << 31

/// Whether `text` is `prefix` followed by `count` lower-case hexadecimal digits.
private func isLowerHex(_ text: String, count: Int, after prefix: StaticString = "") -> Bool {
    var text = text
    return text.withUTF8 { bytes in
        let skip = prefix.utf8CodeUnitCount
        guard bytes.count == skip + count,
            skip == 0 || memcmp(bytes.baseAddress!, prefix.utf8Start, skip) == 0
        else { return false }
        return bytes[skip...].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

extension Statement {
    /// Decodes and validates a statement payload.
    public init(payload: [UInt8]) throws {
        try self.init(tape: try JSONTape(parsing: payload))
    }

    /// Decodes and validates a statement given as a JSON value.
    package init(json: JSONValue) throws {
        try self.init(payload: json.canonicalBytes)
    }

    /// Decodes and validates a parsed payload.
    package init(tape: JSONTape) throws {
        self = try MemberReader.read(tape, 0) { root in
            guard try root.string("_type", is: Statement.type) else {
                throw root.error("_type", "must be \"\(Statement.type)\"")
            }
            guard try root.array("subject").count == 1 else {
                throw root.error("subject", "must hold exactly one commit")
            }
            let commit = try root.objects("subject") { _, subject in
                let commit = try subject.object("digest") { try $0.string("gitCommit") }
                guard isLowerHex(commit, count: 40) else {
                    throw SchemaError(path: "digest.gitCommit", problem: "must be a full lower-case commit id")
                }
                guard try subject.string("name", is: commit) else {
                    throw subject.error("name", "must equal digest.gitCommit")
                }
                return commit
            }[0]
            let isAttribution = try root.string("predicateType", is: Attribution.predicateType)
            guard try isAttribution || root.string("predicateType", is: Review.predicateType) else {
                throw root.error("predicateType", "unknown predicate type \"\(try root.string("predicateType"))\"")
            }
            return Statement(
                commit: commit,
                predicate: try root.object("predicate") { reader in
                    isAttribution
                        ? .attribution(try Attribution(reader: &reader)) : .review(try Review(reader: &reader))
                })
        }
    }
}

extension Attribution {
    /// Reads the predicate; errors name members relative to it.
    fileprivate init(reader: inout MemberReader) throws {
        tool = try reader.tool("tool")
        signer = try reader.signer("signer")
        committer = try reader.person("committer")

        recordedAt = try reader.string("recorded_at")
        guard Timestamp.parse(recordedAt) != nil else {
            throw reader.error("recorded_at", "must be YYYY-MM-DDTHH:MM:SSZ")
        }

        files = try reader.objects("files") { _, file in try AttributedFile(reader: &file) }
        for index in files.indices.dropFirst() where !JSONValue.codePointOrder(files[index - 1].path, files[index].path)
        {
            throw SchemaError(path: "files[\(index)].path", problem: "files must be sorted by path without duplicates")
        }

        let count: ClosedRange<Int64> = 0...JSONValue.maxSafeInteger
        let totals = try reader.object("totals") { totals in
            Totals(
                added: try totals.integer("added", in: count), deleted: try totals.integer("deleted", in: count),
                ai: try totals.integer("ai", in: count), human: try totals.integer("human", in: count),
                mixed: try totals.integer("mixed", in: count))
        }
        self.totals = totals
        (sessions, rewrite, derivedFrom) = try Attribution.history(&reader)
        rest = nil
        var covered = (ai: 0, human: 0, mixed: 0)
        for file in files {
            for range in file.ranges {
                switch range.contributor.type {
                case .ai: covered.ai += range.lineCount
                case .human: covered.human += range.lineCount
                case .mixed: covered.mixed += range.lineCount
                }
            }
        }
        for (origin, stated, lines) in [
            (Origin.ai, totals.ai, covered.ai), (.human, totals.human, covered.human),
            (.mixed, totals.mixed, covered.mixed),
        ]
        where lines != stated {
            throw SchemaError(
                path: "totals.\(origin.rawValue)", problem: "is \(stated) but the ranges cover \(lines) lines")
        }
    }
}

extension Attribution {
    /// `sessions`, `rewrite` and `derived_from`, read alike in both versions.
    fileprivate static func history(_ reader: inout MemberReader) throws -> (
        [SessionAcceptance], RewriteKind?, [RecordReference]
    ) {
        let count: ClosedRange<Int64> = 0...JSONValue.maxSafeInteger
        var sessions = [SessionAcceptance]()
        if reader.has("sessions") {
            sessions = try reader.objects("sessions") { _, session in
                SessionAcceptance(
                    agent: try session.string("agent"), sessionID: try session.string("session_id"),
                    modelID: try session.string("model_id"),
                    linesWritten: try session.integer("lines_written", in: count),
                    linesCommittedUnchanged: try session.integer("lines_committed_unchanged", in: count),
                    linesCommittedEdited: try session.integer("lines_committed_edited", in: count),
                    actionsAccepted: try session.positiveCount("actions_accepted"),
                    actionsRejected: try session.positiveCount("actions_rejected"))
            }
            guard !sessions.isEmpty else { throw reader.error("sessions", "must be omitted when empty") }
        }
        var rewrite: RewriteKind?
        var derivedFrom = [RecordReference]()
        if reader.has("rewrite") || reader.has("derived_from") {
            let kind = try reader.string("rewrite")
            guard let rewriteKind = RewriteKind(rawValue: kind) else {
                throw reader.error(
                    "rewrite", "must be one of \(RewriteKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rewrite = rewriteKind
            derivedFrom = try reader.objects("derived_from") { _, source in
                let reference = RecordReference(
                    commit: try source.string("commit"), record: try source.string("record"))
                guard isLowerHex(reference.commit, count: 40) else {
                    throw source.error("commit", "must be a full lower-case commit id")
                }
                guard isLowerHex(reference.record, count: 64, after: "sha256:") else {
                    throw source.error("record", "must be sha256:<64 lower-case hex digits>")
                }
                return reference
            }
            guard !derivedFrom.isEmpty else { throw reader.error("derived_from", "must name at least one record") }
        }
        return (sessions, rewrite, derivedFrom)
    }
}

extension Review {
    fileprivate init(reader: inout MemberReader) throws {
        tool = try reader.tool("tool")
        signer = try reader.signer("signer")
        reviewedAt = try reader.string("reviewed_at")
        guard Timestamp.parse(reviewedAt) != nil else {
            throw reader.error("reviewed_at", "must be YYYY-MM-DDTHH:MM:SSZ")
        }
        author = try reader.person("author")
        selfReview = try reader.bool("self_review")
        comment = try reader.optionalString("comment")
    }
}

extension AttributedFile {
    fileprivate init(reader: inout MemberReader) throws {
        path = try reader.string("path")
        guard AttributedFile.isNormalised(path) else {
            throw reader.error("path", "must be a normalised repository-relative path")
        }
        ranges = try reader.objects("ranges") { _, range in try AttributedRange(reader: &range) }
        for index in ranges.indices.dropFirst() where ranges[index].startLine <= ranges[index - 1].endLine {
            throw SchemaError(path: "ranges[\(index)]", problem: "ranges must be sorted and must not overlap")
        }
        guard !ranges.isEmpty else { throw reader.error("ranges", "must hold at least one range") }
    }
}

extension AttributedRange {
    fileprivate init(reader: inout MemberReader) throws {
        startLine = try reader.integer("start_line", in: 1...maxLineNumber)
        endLine = try reader.integer("end_line", in: 1...maxLineNumber)
        guard endLine >= startLine else { throw reader.error("end_line", "must not be before start_line") }
        let contentHash = try reader.string("content_hash")
        guard isLowerHex(contentHash, count: 64, after: "sha256:") else {
            throw reader.error("content_hash", "must be sha256:<64 lower-case hex digits>")
        }
        self.contentHash = contentHash
        contributor = try reader.object("contributor") { reader in
            let typeName = try reader.string("type")
            guard let type = Origin(rawValue: typeName) else {
                throw reader.error("type", "must be ai, human or mixed")
            }
            var contributor = Contributor(type: type)
            if type == .human {
                guard !reader.has("agent"), !reader.has("model_id") else {
                    throw SchemaError(path: "", problem: "a human range names no agent or model")
                }
            } else {
                contributor.agent = try reader.string("agent")
                let model = try reader.string("model_id")
                guard ModelID.isValid(model) else {
                    throw reader.error("model_id", "must be provider/model")
                }
                contributor.modelID = model
            }
            return contributor
        }
        sessionID = try reader.optionalString("session_id")
        promptDigest = try reader.promptDigest()
        confidenceBasisPoints = try reader.integer("confidence_bp", in: 0...10_000)
    }
}

// MARK: - Version 2 (spec/records.md §8)

/// The latest time a version 2 record can state: 9999-12-31T23:59:59Z, the last second
/// RFC 3339's four-digit years can show.
private let latestTime: Int64 = 253_402_300_799

extension Statement {
    /// Decodes and validates the statement of an envelope, in the version its payload
    /// type names.
    public init(envelope: Envelope) throws {
        guard let format = RecordFormat(payloadType: envelope.payloadType) else {
            throw SchemaError(path: "", problem: "unknown payload type \"\(envelope.payloadType)\"")
        }
        try self.init(payload: envelope.payload, format: format)
    }

    /// Decodes and validates a payload of the given version.
    public init(payload: [UInt8], format: RecordFormat) throws {
        let tape = try JSONTape(parsing: payload)
        switch format {
        case .v1: try self.init(tape: tape)
        case .v2: try self.init(v2Tape: tape)
        }
    }

    package init(v2Tape tape: JSONTape) throws {
        self = try MemberReader.read(tape, 0) { root in
            let kind = try root.string("_kind")
            let signer = SignerInfo(email: try root.string("_signer"), publicKey: nil)
            let toolText = try root.string("_tool")
            let toolParts = toolText.split(separator: " ", omittingEmptySubsequences: false)
            guard toolParts.count == 2, !toolParts[0].isEmpty, !toolParts[1].isEmpty else {
                throw root.error("_tool", "must be \"<name> <version>\"")
            }
            let tool = ToolInfo(name: String(toolParts[0]), version: String(toolParts[1]))
            let commit = try root.string("commit")
            guard isLowerHex(commit, count: 40) else {
                throw root.error("commit", "must be a full lower-case commit id")
            }
            let time = Timestamp.format(unixSeconds: Int64(try root.integer("time", in: 0...latestTime)))
            switch kind {
            case "attribution":
                return Statement(
                    commit: commit,
                    predicate: .attribution(try Attribution(v2: &root, tool: tool, signer: signer, time: time)),
                    format: .v2)
            case "review":
                let review = Review(
                    tool: tool, signer: signer, reviewedAt: time, author: try root.person("author"),
                    selfReview: try root.bool("self_review"), comment: try root.optionalString("comment"),
                    change: try root.changeID())
                return Statement(commit: commit, predicate: .review(review), format: .v2)
            case "waiver":
                let rule = try root.string("rule")
                guard Waiver.rules.contains(rule) else {
                    throw root.error("rule", "must be one of \(Waiver.rules.joined(separator: ", "))")
                }
                let reason = try root.string("reason")
                guard !reason.allSatisfy({ $0.isWhitespace || $0.isNewline }) else {
                    throw root.error("reason", "must say why the rule is waived")
                }
                let waiver = Waiver(
                    tool: tool, signer: signer, waivedAt: time, author: try root.person("author"), rule: rule,
                    reason: reason, change: try root.changeID())
                return Statement(commit: commit, predicate: .waiver(waiver), format: .v2)
            case "estimate":
                return Statement(
                    commit: commit,
                    predicate: .estimate(try Estimate(v2: &root, tool: tool, signer: signer, time: time)),
                    format: .v2)
            default:
                throw root.error("_kind", "must be attribution, review, waiver or estimate")
            }
        }
    }
}

extension Attribution {
    fileprivate init(v2 reader: inout MemberReader, tool: ToolInfo, signer: SignerInfo, time: String) throws {
        // Empty only for a record of a commit that added no line (nothing to label).
        let labels = try reader.objects("by") { _, label in try RangeLabel(v2: &label) }
        let encoded = labels.map { $0.v2JSON.canonicalBytes }
        for index in encoded.indices.dropFirst() where !encoded[index - 1].lexicographicallyPrecedes(encoded[index]) {
            throw SchemaError(
                path: "by[\(index)]", problem: "contributors must be sorted by their canonical JSON, without duplicates"
            )
        }
        var used = Set<Int>()
        func label(_ value: Int64, _ path: @autoclosure () -> String) throws -> RangeLabel {
            guard value >= 0, value < labels.count else {
                throw SchemaError(path: path(), problem: "must be the index of a contributor in \"by\"")
            }
            used.insert(Int(value))
            return labels[Int(value)]
        }

        let restIndex = reader.has("rest") ? Int64(try reader.integer("rest", in: 0...Int64(Int32.max))) : nil
        var files = [AttributedFile]()
        if reader.has("files") {
            let tape = reader.tape
            try reader.eachFile(shape: "[contributor, ranges]") { path, where_, pairs in
                var ranges = [AttributedRange]()
                var previous: Int64 = -1
                for (position, pair) in pairs.enumerated() {
                    let parts = tape.elements(of: pair)
                    guard tape.entries[pair].kind == .array, parts.count == 2, tape.entries[parts[0]].kind == .integer,
                        tape.entries[parts[1]].kind == .string
                    else {
                        throw SchemaError(path: "\(where_)[\(position)]", problem: "must be [contributor, \"ranges\"]")
                    }
                    let index = tape.entries[parts[0]].integer
                    guard index > previous else {
                        throw SchemaError(
                            path: "\(where_)[\(position)]",
                            problem: "contributors must be in ascending order, once each")
                    }
                    previous = index
                    let rangeLabel = try label(index, "\(where_)[\(position)][0]")
                    if let restIndex, index == restIndex {
                        throw SchemaError(
                            path: "\(where_)[\(position)][0]",
                            problem: "is rest's contributor: its lines are not listed")
                    }
                    guard let lines = RangeList.parse(tape.string(at: parts[1])) else {
                        throw SchemaError(
                            path: "\(where_)[\(position)][1]",
                            problem: "must be ascending line ranges such as 3-20,40 (not touching, 1-based)")
                    }
                    ranges += lines.map { AttributedRange($0, rangeLabel) }
                }
                ranges.sort { $0.startLine < $1.startLine }
                for index in ranges.indices.dropFirst() where ranges[index].startLine <= ranges[index - 1].endLine {
                    throw SchemaError(path: where_, problem: "two contributors claim line \(ranges[index].startLine)")
                }
                files.append(AttributedFile(path: path, ranges: ranges))
            }
            // Members of an object have no order: the model keeps files in path order
            // (a payload listing them otherwise is not canonical, which verify reports).
            files.sort { JSONValue.codePointOrder($0.path, $1.path) }
        }
        let rest = try restIndex.map { try label($0, "rest") }
        if let unused = labels.indices.first(where: { !used.contains($0) }) {
            throw SchemaError(path: "by[\(unused)]", problem: "is not used by any range or by rest")
        }
        let (sessions, rewrite, derivedFrom) = try Attribution.history(&reader)
        self.init(
            tool: tool, signer: signer, committer: nil, recordedAt: time, files: files, totals: nil, rest: rest,
            sessions: sessions, rewrite: rewrite, derivedFrom: derivedFrom)
    }
}

extension Estimate {
    fileprivate init(v2 reader: inout MemberReader, tool: ToolInfo, signer: SignerInfo, time: String) throws {
        let model = try reader.string("model")
        guard model.utf8.count <= 64,
            model.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else { throw reader.error("model", "must be a model id: letters, digits, '.', '-', '_', at most 64") }
        let modelSHA256 = try reader.string("model_sha256")
        guard isLowerHex(modelSHA256, count: 64) else {
            throw reader.error("model_sha256", "must be 64 lower-case hex digits")
        }
        let contentOnly = try reader.bool("content_only")
        var evidence = [String]()
        if reader.has("evidence") {
            let tape = reader.tape
            let elements = try reader.array("evidence")
            guard !elements.isEmpty else { throw reader.error("evidence", "must name a signal when present") }
            guard !contentOnly else { throw reader.error("evidence", "a content-only estimate uses no metadata") }
            for element in elements {
                guard tape.entries[element].kind == .string, Estimate.evidenceNames.contains(tape.string(at: element))
                else {
                    throw reader.error("evidence", "must be among \(Estimate.evidenceNames.joined(separator: ", "))")
                }
                let name = tape.string(at: element)
                if let last = evidence.last, last >= name {
                    throw reader.error("evidence", "must be sorted, each signal once")
                }
                evidence.append(name)
            }
        }
        let probability = reader.has("probability_bp") ? try reader.integer("probability_bp", in: 0...10_000) : nil
        if let probability {
            let confidence = try reader.string("confidence")
            guard confidence == Estimate.confidence(probability) else {
                throw reader.error(
                    "confidence", "must be \(Estimate.confidence(probability)) for probability_bp \(probability)")
            }
        } else if reader.has("confidence") {
            throw reader.error("confidence", "is given only with probability_bp")
        }
        var blocks = [Estimate.Block]()
        if reader.has("files") {
            guard probability != nil else {
                throw reader.error("files", "scored blocks make a commit probability: probability_bp is missing")
            }
            let tape = reader.tape
            try reader.eachFile(shape: "[\"lines\", probability_bp]") { path, where_, pairs in
                var previous = 0
                for (position, pair) in pairs.enumerated() {
                    let parts = tape.elements(of: pair)
                    guard tape.entries[pair].kind == .array, parts.count == 2, tape.entries[parts[0]].kind == .string,
                        tape.entries[parts[1]].kind == .integer
                    else {
                        throw SchemaError(
                            path: "\(where_)[\(position)]", problem: "must be [\"lines\", probability_bp]")
                    }
                    guard let ranges = RangeList.parse(tape.string(at: parts[0])), ranges.count == 1 else {
                        throw SchemaError(
                            path: "\(where_)[\(position)][0]", problem: "must be one line range such as 3-20 (1-based)")
                    }
                    guard ranges[0].lowerBound > previous else {
                        throw SchemaError(
                            path: "\(where_)[\(position)][0]",
                            problem: "blocks must be in ascending order of line, not overlapping")
                    }
                    previous = ranges[0].upperBound
                    let bp = tape.entries[parts[1]].integer
                    guard (0...10_000).contains(bp) else {
                        throw SchemaError(path: "\(where_)[\(position)][1]", problem: "must be between 0 and 10000")
                    }
                    blocks.append(Estimate.Block(path: path, lines: ranges[0], probabilityBP: Int(bp)))
                }
            }
            blocks.sort(by: Estimate.Block.precedes)
        }
        let unscored = try reader.positiveCount("unscored")
        self.init(
            tool: tool, signer: signer, estimatedAt: time, model: model, modelSHA256: modelSHA256,
            contentOnly: contentOnly, evidence: evidence, probabilityBP: probability, blocks: blocks,
            unscoredLines: unscored)
    }
}

extension RangeLabel {
    fileprivate init(v2 reader: inout MemberReader) throws {
        let typeName = try reader.string("type")
        guard let type = Origin(rawValue: typeName) else { throw reader.error("type", "must be ai, human or mixed") }
        contributor = Contributor(type: type)
        if type == .human {
            guard !reader.has("agent"), !reader.has("model") else {
                throw SchemaError(path: "", problem: "a human contributor names no agent or model")
            }
        } else {
            contributor.agent = try reader.string("agent")
            let model = try reader.string("model")
            guard ModelID.isValid(model) else { throw reader.error("model", "must be provider/model") }
            contributor.modelID = model
        }
        sessionID = try reader.optionalString("session")
        promptDigest = try reader.promptDigest()
        confidenceBasisPoints =
            reader.has("confidence_bp") ? try reader.integer("confidence_bp", in: 0...9_999) : 10_000
    }
}

extension AttributedFile {
    /// Relative, `/`-separated, no empty, `.` or `..` component, no NUL.
    fileprivate static func isNormalised(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.isEmpty && !path.hasPrefix("/")
            && !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) && !path.utf8.contains(0)
    }
}

extension JSONTape {
    /// The indices of the elements of the container at `index` (none for a scalar).
    fileprivate func elements(of index: Int) -> [Int] {
        guard entries[index].isContainer else { return [] }
        var result = [Int]()
        var element = index + 1
        while element < Int(entries[index].end) {
            result.append(element)
            element = next(after: element)
        }
        return result
    }
}
