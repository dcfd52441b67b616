import CanonicalJSON
import Ledger

/// The working log's file (`sessiontrace/state.json`) read and written by hand with the
/// ledger's JSON, not Foundation's Codable: an agent hook reads and writes it on every
/// call, and Codable's generic decoding cost a millisecond of the hook's budget. The
/// format is the one Codable wrote (member names as the properties, absent optionals
/// left out), so state files from earlier versions read unchanged.
extension WorkingState {
    struct FormatError: Error {}

    init(json: JSONValue) throws {
        guard case .object(let root) = json else { throw FormatError() }
        self.init()
        version = Int(try root.integer("version"))
        labels = try root.array("labels").map(Provenance.init(json:))
        files = try root.dictionary("files") { value in
            guard case .object(let file) = value else { throw FormatError() }
            return TrackedFile(
                blob: try file.string("blob"),
                runs: try file.array("runs").map { run in
                    guard case .array(let pair) = run, pair.count == 2, let index = pair[0].integerValue,
                        let count = pair[1].integerValue,
                        index >= 0, count >= 0
                    else { throw FormatError() }
                    return [Int(index), Int(count)]
                })
        }
        pending = try root.dictionary("pending", PendingEdit.init(json:))
        sessions = try root.dictionary("sessions") { value in
            guard case .object(let session) = value else { throw FormatError() }
            var activity = SessionActivity(
                agent: try session.string("agent"), session: try session.string("session"),
                model: try session.optionalString("model"), linesWritten: Int(try session.integer("linesWritten")))
            activity.actionsAccepted = Int(try session.optionalInteger("actionsAccepted") ?? 0)
            activity.actionsRejected = Int(try session.optionalInteger("actionsRejected") ?? 0)
            return activity
        }
        recorded = try root.array("recorded").map {
            guard let hex = $0.stringValue else { throw FormatError() }; return hex
        }
        captureStarted = try root.optionalInteger("captureStarted")
        captureReflogMark = try root.optionalString("captureReflogMark")
        failed = try root.array("failed").map { value in
            guard case .object(let failure) = value else { throw FormatError() }
            return FailedRecord(
                commit: try failure.string("commit"), reason: try failure.string("reason"),
                at: try failure.integer("at"))
        }
        sessionModels = try root.dictionary("sessionModels") {
            guard let model = $0.stringValue else { throw FormatError() }; return model
        }
    }

    var json: JSONValue {
        var root: [String: JSONValue] = [
            "version": .integer(Int64(version)),
            "labels": .array(labels.map(\.json)),
            "files": .object(
                JSONObject(
                    files.mapValues { file in
                        .object([
                            "blob": .string(file.blob),
                            "runs": .array(file.runs.map { .array($0.map { .integer(Int64($0)) }) }),
                        ])
                    })),
            "pending": .object(JSONObject(pending.mapValues(\.json))),
            "sessions": .object(
                JSONObject(
                    sessions.mapValues { session in
                        var members: [String: JSONValue] = [
                            "agent": .string(session.agent), "session": .string(session.session),
                            "linesWritten": .integer(Int64(session.linesWritten)),
                        ]
                        if let model = session.model { members["model"] = .string(model) }
                        if session.actionsAccepted > 0 {
                            members["actionsAccepted"] = .integer(Int64(session.actionsAccepted))
                        }
                        if session.actionsRejected > 0 {
                            members["actionsRejected"] = .integer(Int64(session.actionsRejected))
                        }
                        return .object(JSONObject(members))
                    })),
            "recorded": .array(recorded.map(JSONValue.string)),
            "failed": .array(
                failed.map {
                    .object(["commit": .string($0.commit), "reason": .string($0.reason), "at": .integer($0.at)])
                }),
            "sessionModels": .object(JSONObject(sessionModels.mapValues(JSONValue.string))),
        ]
        if let captureStarted { root["captureStarted"] = .integer(captureStarted) }
        if let captureReflogMark { root["captureReflogMark"] = .string(captureReflogMark) }
        return .object(JSONObject(root))
    }
}

extension WorkingState.PendingEdit {
    init(json: JSONValue) throws {
        guard case .object(let edit) = json else { throw WorkingState.FormatError() }
        func blobs(_ key: String) throws -> [String: String]? {
            guard edit[key] != nil else { return nil }
            return try edit.dictionary(key) {
                guard let blob = $0.stringValue else { throw WorkingState.FormatError() }; return blob
            }
        }
        self.init(
            agent: try edit.string("agent"), session: try edit.optionalString("session"),
            model: try edit.optionalString("model"),
            prompt: try edit.optionalString("prompt"), files: try blobs("files") ?? [:],
            shellBaseline: try blobs("shellBaseline"),
            trackedAtStart: try blobs("trackedAtStart"), startedAt: try edit.integer("startedAt"))
    }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "agent": .string(agent), "files": .object(JSONObject(files.mapValues(JSONValue.string))),
            "startedAt": .integer(startedAt),
        ]
        if let session { members["session"] = .string(session) }
        if let model { members["model"] = .string(model) }
        if let prompt { members["prompt"] = .string(prompt) }
        if let shellBaseline {
            members["shellBaseline"] = .object(JSONObject(shellBaseline.mapValues(JSONValue.string)))
        }
        if let trackedAtStart {
            members["trackedAtStart"] = .object(JSONObject(trackedAtStart.mapValues(JSONValue.string)))
        }
        return .object(JSONObject(members))
    }
}

extension Provenance {
    init(json: JSONValue) throws {
        guard case .object(let members) = json, let kind = Kind(rawValue: try members.string("kind")) else {
            throw WorkingState.FormatError()
        }
        self.init(
            kind: kind, agent: try members.optionalString("agent"), model: try members.optionalString("model"),
            session: try members.optionalString("session"), prompt: try members.optionalString("prompt"))
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["kind": .string(kind.rawValue)]
        if let agent { members["agent"] = .string(agent) }
        if let model { members["model"] = .string(model) }
        if let session { members["session"] = .string(session) }
        if let prompt { members["prompt"] = .string(prompt) }
        return .object(JSONObject(members))
    }
}

/// Typed reads of the working log's members; any mismatch is a format error.
private extension JSONObject {
    func string(_ key: String) throws -> String {
        guard let value = self[key]?.stringValue else { throw WorkingState.FormatError() }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.stringValue else { throw WorkingState.FormatError() }
        return text
    }

    func integer(_ key: String) throws -> Int64 {
        guard let value = self[key]?.integerValue else { throw WorkingState.FormatError() }
        return value
    }

    func optionalInteger(_ key: String) throws -> Int64? {
        guard let value = self[key] else { return nil }
        guard let number = value.integerValue else { throw WorkingState.FormatError() }
        return number
    }

    /// An array member; absent counts as empty (Codable wrote every array).
    func array(_ key: String) throws -> [JSONValue] {
        guard let value = self[key] else { return [] }
        guard case .array(let items) = value else { throw WorkingState.FormatError() }
        return items
    }

    func dictionary<Value>(_ key: String, _ transform: (JSONValue) throws -> Value) throws -> [String: Value] {
        guard let value = self[key] else { return [:] }
        guard case .object(let members) = value else { throw WorkingState.FormatError() }
        var result = [String: Value](minimumCapacity: members.count)
        for member in members { result[member.key] = try transform(member.value) }
        return result
    }
}
