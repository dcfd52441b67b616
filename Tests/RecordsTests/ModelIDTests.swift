import Records
import Testing

@Suite struct ModelIDTests {
    @Test func modelNamesGetTheirProvider() {
        #expect(ModelID.qualified("claude-sonnet-4-5") == "anthropic/claude-sonnet-4-5")
        #expect(ModelID.qualified("gpt-5-codex") == "openai/gpt-5-codex")
        #expect(ModelID.qualified("gemini-2.5-pro") == "google/gemini-2.5-pro")
        #expect(ModelID.qualified("openrouter/some-model") == "openrouter/some-model")
        #expect(ModelID.qualified("mystery") == "unknown/mystery")
    }
}
