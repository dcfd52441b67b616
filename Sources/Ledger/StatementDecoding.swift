import Signing

/// Why a payload is not a valid statement (spec/records.md §4), naming the member.
public struct SchemaError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
}

/// Reads one JSON object member by member and refuses members it was not asked for,
/// so that a verifier never silently ignores a claim it does not understand.
private struct MemberReader {
    let path: String
    let members: JSONObject
    /// The keys asked for: a handful, so an array beats hashing into a set.
    private var read: [String] = []

    init(_ value: JSONValue, path: String) throws {
        guard let members = value.objectValue else { throw SchemaError(path: path, problem: "must be an object") }
        self.path = path
        self.members = members
    }

    func error(_ key: String, _ problem: String) -> SchemaError {
        SchemaError(path: path.isEmpty ? key : "\(path).\(key)", problem: problem)
    }

    mutating func value(_ key: String) throws -> JSONValue {
        read.append(key)
        guard let value = members[key] else { throw error(key, "missing") }
        return value
    }

    mutating func has(_ key: String) -> Bool { members[key] != nil }

    mutating func string(_ key: String, nonEmpty: Bool = true) throws -> String {
        guard let text = try value(key).stringValue else { throw error(key, "must be a string") }
        guard !nonEmpty || !text.isEmpty else { throw error(key, "must not be empty") }
        return text
    }

    mutating func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int64>) throws -> Int {
        guard let number = try value(key).integerValue else { throw error(key, "must be an integer") }
        guard range.contains(number) else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int(number)
    }

    mutating func array(_ key: String) throws -> [JSONValue] {
        guard let values = try value(key).arrayValue else { throw error(key, "must be an array") }
        return values
    }

    mutating func object(_ key: String) throws -> MemberReader {
        try MemberReader(try value(key), path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// `{"name", "version"}`.
    mutating func tool(_ key: String) throws -> ToolInfo {
        var reader = try object(key)
        let tool = ToolInfo(name: try reader.string("name"), version: try reader.string("version"))
        try reader.finish()
        return tool
    }

    /// `{"email", "public_key"}`, the key an ssh-ed25519 public key.
    mutating func signer(_ key: String) throws -> SignerInfo {
        var reader = try object(key)
        let signer = SignerInfo(email: try reader.string("email"), publicKey: try reader.string("public_key"))
        guard (try? PublicKey.cached(openSSH: signer.publicKey)) != nil else {
            throw reader.error("public_key", "must be an ssh-ed25519 public key")
        }
        try reader.finish()
        return signer
    }

    /// `{"name", "email", "time"}` of a commit's author or committer.
    mutating func person(_ key: String) throws -> CommitterStamp {
        var reader = try object(key)
        let person = CommitterStamp(name: try reader.string("name", nonEmpty: false), email: try reader.string("email", nonEmpty: false),
                                    time: try reader.string("time"))
        guard Timestamp.parse(person.time) != nil else { throw reader.error("time", "must be YYYY-MM-DDTHH:MM:SSZ") }
        try reader.finish()
        return person
    }

    func finish() throws {
        guard members.count > read.count || !members.keys.allSatisfy(read.contains) else { return }
        let unknown = Set(members.keys).subtracting(read)
        guard unknown.isEmpty else {
            throw SchemaError(path: path, problem: "unknown member \(unknown.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
        }
    }
}

private let maxLineNumber: Int64 = 1 << 31

private func isLowerHex(_ text: String, count: Int) -> Bool {
    text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
}

extension Statement {
    /// Decodes and validates a statement payload.
    public init(json: JSONValue) throws {
        var root = try MemberReader(json, path: "")
        guard try root.string("_type") == Statement.type else {
            throw root.error("_type", "must be \"\(Statement.type)\"")
        }
        let subjects = try root.array("subject")
        guard subjects.count == 1 else { throw root.error("subject", "must hold exactly one commit") }
        var subject = try MemberReader(subjects[0], path: "subject[0]")
        let name = try subject.string("name")
        var digest = try subject.object("digest")
        let commit = try digest.string("gitCommit")
        try digest.finish()
        try subject.finish()
        guard isLowerHex(commit, count: 40) else {
            throw SchemaError(path: "subject[0].digest.gitCommit", problem: "must be a full lower-case commit id")
        }
        guard name == commit else { throw SchemaError(path: "subject[0].name", problem: "must equal digest.gitCommit") }
        let predicateType = try root.string("predicateType")
        var predicateReader = try root.object("predicate")
        switch predicateType {
        case Attribution.predicateType:
            self.init(commit: commit, predicate: .attribution(try Attribution(reader: &predicateReader)))
        case Review.predicateType:
            self.init(commit: commit, predicate: .review(try Review(reader: &predicateReader)))
        default:
            throw root.error("predicateType", "unknown predicate type \"\(predicateType)\"")
        }
        try predicateReader.finish()
        try root.finish()
    }

    public init(payload: [UInt8]) throws {
        try self.init(json: try JSONValue(parsing: payload))
    }
}

extension Attribution {
    fileprivate init(reader: inout MemberReader) throws {
        tool = try reader.tool("tool")
        signer = try reader.signer("signer")
        committer = try reader.person("committer")

        recordedAt = try reader.string("recorded_at")
        guard Timestamp.parse(recordedAt) != nil else { throw reader.error("recorded_at", "must be YYYY-MM-DDTHH:MM:SSZ") }

        var files = [AttributedFile]()
        for (index, value) in try reader.array("files").enumerated() {
            let file = try AttributedFile(json: value, path: "predicate.files[\(index)]")
            if let previous = files.last, !JSONValue.codePointOrder(previous.path, file.path) {
                throw SchemaError(path: "predicate.files[\(index)].path", problem: "files must be sorted by path without duplicates")
            }
            files.append(file)
        }
        self.files = files

        var totalsReader = try reader.object("totals")
        let count: ClosedRange<Int64> = 0...JSONValue.maxSafeInteger
        totals = Totals(
            added: try totalsReader.integer("added", in: count), deleted: try totalsReader.integer("deleted", in: count),
            ai: try totalsReader.integer("ai", in: count), human: try totalsReader.integer("human", in: count),
            mixed: try totalsReader.integer("mixed", in: count))
        try totalsReader.finish()
        var sessions = [SessionAcceptance]()
        if reader.has("sessions") {
            for (index, value) in try reader.array("sessions").enumerated() {
                var session = try MemberReader(value, path: "predicate.sessions[\(index)]")
                sessions.append(SessionAcceptance(
                    agent: try session.string("agent"), sessionID: try session.string("session_id"),
                    modelID: try session.string("model_id"),
                    linesWritten: try session.integer("lines_written", in: count),
                    linesCommittedUnchanged: try session.integer("lines_committed_unchanged", in: count),
                    linesCommittedEdited: try session.integer("lines_committed_edited", in: count)))
                try session.finish()
            }
            guard !sessions.isEmpty else { throw reader.error("sessions", "must be omitted when empty") }
        }
        self.sessions = sessions
        rewrite = nil
        derivedFrom = []
        if reader.has("rewrite") || reader.has("derived_from") {
            let kind = try reader.string("rewrite")
            guard let rewriteKind = RewriteKind(rawValue: kind) else {
                throw reader.error("rewrite", "must be one of \(RewriteKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rewrite = rewriteKind
            for (index, value) in try reader.array("derived_from").enumerated() {
                var source = try MemberReader(value, path: "predicate.derived_from[\(index)]")
                let reference = RecordReference(commit: try source.string("commit"), record: try source.string("record"))
                guard isLowerHex(reference.commit, count: 40) else { throw source.error("commit", "must be a full lower-case commit id") }
                guard reference.record.hasPrefix("sha256:"), isLowerHex(String(reference.record.dropFirst(7)), count: 64) else {
                    throw source.error("record", "must be sha256:<64 lower-case hex digits>")
                }
                try source.finish()
                derivedFrom.append(reference)
            }
            guard !derivedFrom.isEmpty else { throw reader.error("derived_from", "must name at least one record") }
        }
        let ranges = files.flatMap(\.ranges)
        for origin in Origin.allCases {
            let covered = ranges.filter { $0.contributor.type == origin }.reduce(0) { $0 + $1.lineCount }
            let stated = origin == .ai ? totals.ai : origin == .human ? totals.human : totals.mixed
            guard covered == stated else {
                throw SchemaError(path: "predicate.totals.\(origin.rawValue)", problem: "is \(stated) but the ranges cover \(covered) lines")
            }
        }
    }
}

extension Review {
    fileprivate init(reader: inout MemberReader) throws {
        tool = try reader.tool("tool")
        signer = try reader.signer("signer")
        reviewedAt = try reader.string("reviewed_at")
        guard Timestamp.parse(reviewedAt) != nil else { throw reader.error("reviewed_at", "must be YYYY-MM-DDTHH:MM:SSZ") }
        author = try reader.person("author")
        guard case .bool(let flag) = try reader.value("self_review") else { throw reader.error("self_review", "must be true or false") }
        selfReview = flag
        comment = try reader.optionalString("comment")
    }
}

extension AttributedFile {
    fileprivate init(json: JSONValue, path memberPath: String) throws {
        var reader = try MemberReader(json, path: memberPath)
        path = try reader.string("path")
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
              !path.utf8.contains(0)
        else { throw reader.error("path", "must be a normalised repository-relative path") }
        var ranges = [AttributedRange]()
        for (index, value) in try reader.array("ranges").enumerated() {
            let range = try AttributedRange(json: value, path: "\(memberPath).ranges[\(index)]")
            if let previous = ranges.last, range.startLine <= previous.endLine {
                throw SchemaError(path: "\(memberPath).ranges[\(index)]", problem: "ranges must be sorted and must not overlap")
            }
            ranges.append(range)
        }
        guard !ranges.isEmpty else { throw reader.error("ranges", "must hold at least one range") }
        self.ranges = ranges
        try reader.finish()
    }
}

extension AttributedRange {
    fileprivate init(json: JSONValue, path memberPath: String) throws {
        var reader = try MemberReader(json, path: memberPath)
        startLine = try reader.integer("start_line", in: 1...maxLineNumber)
        endLine = try reader.integer("end_line", in: 1...maxLineNumber)
        guard endLine >= startLine else { throw reader.error("end_line", "must not be before start_line") }
        contentHash = try reader.string("content_hash")
        guard contentHash.hasPrefix("sha256:"), isLowerHex(String(contentHash.dropFirst(7)), count: 64) else {
            throw reader.error("content_hash", "must be sha256:<64 lower-case hex digits>")
        }
        var contributorReader = try reader.object("contributor")
        let typeName = try contributorReader.string("type")
        guard let type = Origin(rawValue: typeName) else {
            throw contributorReader.error("type", "must be ai, human or mixed")
        }
        var contributor = Contributor(type: type)
        if type == .human {
            guard !contributorReader.has("agent"), !contributorReader.has("model_id") else {
                throw SchemaError(path: "\(memberPath).contributor", problem: "a human range names no agent or model")
            }
        } else {
            contributor.agent = try contributorReader.string("agent")
            let model = try contributorReader.string("model_id")
            guard let slash = model.firstIndex(of: "/"), slash != model.startIndex, model.index(after: slash) != model.endIndex else {
                throw contributorReader.error("model_id", "must be provider/model")
            }
            contributor.modelID = model
        }
        try contributorReader.finish()
        self.contributor = contributor
        sessionID = try reader.optionalString("session_id")
        promptSHA256 = try reader.optionalString("prompt_sha256")
        if let promptSHA256, !isLowerHex(promptSHA256, count: 64) {
            throw reader.error("prompt_sha256", "must be 64 lower-case hex digits")
        }
        confidenceBasisPoints = try reader.integer("confidence_bp", in: 0...10_000)
        try reader.finish()
    }
}
