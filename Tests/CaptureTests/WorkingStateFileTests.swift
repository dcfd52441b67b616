import CanonicalJSON
import Foundation
import Ledger
import Testing

@testable import Capture

/// The working log's file format is the one earlier versions wrote with Codable: a state
/// they left must read the same, and what is written now must read back unchanged.
@Suite struct WorkingStateFileTests {
    func sample() -> WorkingState {
        var state = WorkingState()
        state.track(
            "a.txt", blob: "0123",
            provenance: [
                .base,
                Provenance(
                    kind: .ai, agent: "claude-code", model: "anthropic/x", session: "s1", prompt: "hmac-sha256:ab"),
                .human, Provenance(kind: .unknown),
            ])
        state.track("dir/\"quoted\" é.txt", blob: "", provenance: [])
        state.pending["tool:claude-code:t1"] = WorkingState.PendingEdit(
            agent: "claude-code", session: "s1", model: nil, prompt: nil, files: ["a.txt": "0123"],
            shellBaseline: ["b": ""],
            trackedAtStart: ["a.txt": "0123"], startedAt: 1_700_000_000)
        state.pending["prompt:cursor/c"] = WorkingState.PendingEdit(
            agent: "cursor", session: nil, model: "openai/gpt-5", prompt: "hmac-sha256:cd", files: [:], startedAt: 5)
        state.sessions["claude-code/s1"] = WorkingState.SessionActivity(
            agent: "claude-code", session: "s1", model: "anthropic/x", linesWritten: 7)
        state.sessions["generic/g"] = WorkingState.SessionActivity(
            agent: "generic", session: "g", model: nil, linesWritten: 0)
        state.recorded = [String(repeating: "a", count: 40)]
        state.captureStarted = 1_700_000_001
        state.captureReflogMark = "abc 123 commit: x"
        state.failed = [WorkingState.FailedRecord(commit: "c", reason: "disk full \\ \"quoted\"", at: 9)]
        state.sessionModels = ["cursor/c": "openai/gpt-5"]
        return state
    }

    @Test func aStateCodableWroteReadsTheSame() throws {
        let state = sample()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let old = try encoder.encode(state)
        let read = try WorkingState(json: try JSONValue(parsing: [UInt8](old)))
        #expect(read.json == state.json)
        #expect(read.provenance(of: read.files["a.txt"]!) == state.provenance(of: state.files["a.txt"]!))
        #expect(read.pending["tool:claude-code:t1"]?.trackedAtStart == ["a.txt": "0123"])
        #expect(read.pending["prompt:cursor/c"]?.shellBaseline == nil)
    }

    @Test func whatIsWrittenNowReadsBackAndCodableReadsItToo() throws {
        let state = sample()
        let bytes = state.json.canonicalBytes
        #expect(try WorkingState(json: try JSONValue(parsing: bytes)).json == state.json)
        // A version before this one (Codable) can still read the file this one writes.
        let back = try JSONDecoder().decode(WorkingState.self, from: Data(bytes))
        #expect(back.json == state.json)
    }

    @Test func aMalformedStateIsRefused() throws {
        #expect(try WorkingState(json: try JSONValue(parsing: Array(#"{"version":1}"#.utf8))).files.isEmpty)
        for text in [
            #"{"version":1,"labels":[{"kind":"martian"}]}"#, #"{"version":1,"files":{"a":{"blob":"x","runs":[[0]]}}}"#,
            #"{"version":1,"files":[]}"#, #"{"version":"1"}"#,
            #"{"version":1,"pending":{"k":{"agent":"a","files":{},"startedAt":"x"}}}"#,
        ] {
            #expect(throws: (any Error).self, "\(text)") {
                try WorkingState(json: try JSONValue(parsing: Array(text.utf8)))
            }
        }
    }
}
