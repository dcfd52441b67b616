/// Model names as the Agent Trace spec writes them: `provider/model`.
package enum ModelID {
    private static let providers: [(prefix: String, provider: String)] = [
        ("claude", "anthropic"), ("gpt", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
        ("codex", "openai"), ("gemini", "google"), ("gemma", "google"), ("grok", "xai"), ("llama", "meta"),
        ("mistral", "mistral"), ("codestral", "mistral"), ("devstral", "mistral"), ("deepseek", "deepseek"),
        ("qwen", "alibaba"), ("kimi", "moonshot"), ("glm", "zhipu"),
    ]

    /// `claude-sonnet-4-5` → `anthropic/claude-sonnet-4-5`; names that already carry a
    /// provider are kept; unknown families get `unknown/`. Nil for what cannot be a
    /// model id (spec/records.md §4.1: `provider/model`, both parts non-empty): empty
    /// or blank text, `x/`, `/gpt-4`.
    package static func qualified(_ model: String) -> String? {
        guard !model.isEmpty, !model.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        if let slash = model.firstIndex(of: "/") {
            return isValid(model) && slash != model.startIndex ? model : nil
        }
        let lower = model.lowercased()
        let provider = providers.first { lower.hasPrefix($0.prefix) }?.provider ?? "unknown"
        return "\(provider)/\(model)"
    }

    /// Whether `model` has the form verification accepts: `provider/model`.
    package static func isValid(_ model: String) -> Bool {
        guard let slash = model.firstIndex(of: "/") else { return false }
        return slash != model.startIndex && model.index(after: slash) != model.endIndex
    }
}
