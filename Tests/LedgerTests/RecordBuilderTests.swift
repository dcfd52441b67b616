import Ledger
import Records
import Signing
import Testing

@Suite struct RecordBuilderTests {
    @Test func statementThatFailsTheSchemaIsNotSigned() throws {
        let key = try SigningKey.generate()
        let signer = SignerInfo(email: "alice@example.com", publicKey: key.publicKey.openSSH)
        let tool = ToolInfo(name: "git-trace", version: "0.1.0")
        func statement(agent: String, model: String) -> Statement {
            let range = AttributedRange(
                startLine: 1, endLine: 1, contentHash: "sha256:" + String(repeating: "0", count: 64),
                contributor: Contributor(type: .ai, agent: agent, modelID: model))
            let attribution = Attribution(
                tool: tool, signer: signer,
                committer: CommitterStamp(name: "Alice", email: "alice@example.com", time: "2026-11-01T00:00:00Z"),
                recordedAt: "2026-11-01T00:00:00Z", files: [AttributedFile(path: "a.txt", ranges: [range])],
                totals: Totals(added: 1, deleted: 0, ai: 1, human: 0, mixed: 0))
            return Statement(commit: String(repeating: "a", count: 40), predicate: .attribution(attribution))
        }
        #expect(throws: Never.self) {
            try RecordBuilder.sign(statement(agent: "cursor", model: "openai/gpt-5"), with: key)
        }
        for (agent, model) in [("", "openai/gpt-5"), ("cursor", "x/"), ("cursor", "/gpt-4"), ("cursor", "")] {
            #expect(throws: ClaimError.self, "\(agent) \(model)") {
                try RecordBuilder.sign(statement(agent: agent, model: model), with: key)
            }
        }
    }
}
