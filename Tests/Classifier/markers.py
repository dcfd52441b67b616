"""Metadata that says a commit was written with an AI assistant (spec/classifier.md §2).
Sources/Classifier/Evidence.swift reads commits with the same rules."""

import re

# Words that name an assistant, a model or an agent product, never a person's name.
PRODUCT_WORDS = {b"copilot", b"cursor", b"gemini", b"codex", b"chatgpt", b"gpt", b"openhands", b"opendevin",
                 b"aider", b"windsurf", b"cascade", b"crush", b"opencode", b"qwen", b"glm", b"deepseek", b"grok",
                 b"antigravity", b"opus", b"sonnet", b"haiku"}
# Assistants' names that are people's names too.
PERSON_WORDS = {b"claude", b"devin", b"jules", b"junie", b"kiro", b"kimi"}
# Beside an assistant's name, words that a person's name does not hold (nor a word with
# a digit: a model's version): what, whose or how it is.
AGENT_WORDS = {b"ai", b"agent", b"code", b"cli", b"bot", b"assistant", b"assist", b"integration", b"labs", b"swe",
               b"via", b"with", b"fable", b"github", b"google", b"openai", b"anthropic", b"microsoft", b"aws"}
# Addresses only assistants commit or co-author with.
AGENT_ADDRESSES = {b"noreply@anthropic.com", b"no-reply@anthropic.com", b"claude@anthropic.com",
                   b"noreply@openai.com", b"codex@openai.com", b"cursoragent@cursor.com", b"amp@ampcode.com",
                   b"crush@charm.land", b"copilot@github.com", b"noreply@opencode.ai", b"openhands@all-hands.dev",
                   b"openhands-claude@all-hands.dev", b"opendevin@all-hands.dev", b"opendevin@opendevin.ai",
                   b"aider@aider.chat", b"noreply@aider.chat", b"noreply@aider.dev", b"devin@cognition.ai"}
# GitHub accounts of assistants, as their no-reply addresses name them.
AGENT_LOGINS = {b"copilot", b"copilot-swe-agent[bot]", b"claude[bot]", b"cursor[bot]", b"devin-ai-integration[bot]",
                b"google-labs-jules[bot]", b"gemini-code-assist[bot]", b"gemini-cli[bot]",
                b"chatgpt-codex-connector[bot]", b"openhands-agent", b"codegen-sh[bot]"}
GITHUB_NOREPLY = re.compile(rb"^(?:[0-9]+\+)?(.+)@users\.noreply\.github\.com$")
TRAILER = re.compile(rb"^(co-authored-by|assisted-by|generated-by):(.*)$", re.IGNORECASE)
# SessionTrace's own trailer (spec/capture.md): `AI-Assisted: AGENT MODEL N/M lines`.
AI_ASSISTED = re.compile(rb"^ai-assisted:.* ([0-9]+)/[0-9]+ lines$", re.IGNORECASE)
# "Generated with [Claude Code](...)", "🤖 Generated with ...".
GENERATED_WITH = re.compile(rb"^(\xf0\x9f\xa4\x96 )?generated (with|by) \[?(claude|cursor|copilot|gemini|codex|aider|amp|devin)",
                            re.IGNORECASE)
BOT_AUTHOR = re.compile(rb"\[bot\]$|^dependabot|^renovate|^github-actions|-bot$", re.IGNORECASE)


def split_identity(value: bytes):
    """`Name <address>`, `Name address` or `Name`: (name, address), both stripped."""
    value = value.strip()
    if value.endswith(b">") and b"<" in value:
        start = value.rindex(b"<")
        return value[:start].strip(), value[start + 1:-1].strip()
    head, _, last = value.rpartition(b" ")
    if b"@" in last and head:
        return head.strip(), last
    return value, b""


def names_assistant(name: bytes, address: bytes) -> bool:
    """Whether `name <address>` (an author, a trailer's value) is an assistant's."""
    lower = name.lower()
    words = [w for w in re.split(rb"[^a-z0-9]+", lower) if w]
    if b"robot" in words:
        return False  # release automation (gemini-cli-robot), not an assistant
    address = address.lower()
    login = GITHUB_NOREPLY.match(address)
    if address in AGENT_ADDRESSES or (login and login.group(1) in AGENT_LOGINS):
        return True
    if lower in AGENT_LOGINS:
        return True
    if words and words[0] in PRODUCT_WORDS:
        return True
    for word in words:
        if word not in PRODUCT_WORDS and word not in PERSON_WORDS:
            continue
        if any(w != word and (w in AGENT_WORDS or any(48 <= c <= 57 for c in w)) for w in words):
            return True
    if len(words) == 1 and words[0] in PERSON_WORDS:
        return not address or address.split(b"@")[0] in (b"noreply", b"no-reply") or bool(
            login and login.group(1) == words[0])
    return False


def ai_evidence(author: bytes, message: bytes, email: bytes = b""):
    """The first marker found, as (kind, text), or None."""
    author = author.strip()
    if author.lower().endswith(b"(aider)") or names_assistant(author, email):
        return ("agent-author", author)
    lines = [line.rstrip(b"\r") for line in message.split(b"\n")]
    for kind, keys in (("ai-coauthor-trailer", (b"co-authored-by",)),
                       ("ai-assistant-trailer", (b"assisted-by", b"generated-by"))):
        for line in lines:
            match = TRAILER.match(line)
            if match and match.group(1).lower() in keys and names_assistant(*split_identity(match.group(2))):
                return (kind, line.strip())
            own = AI_ASSISTED.match(line.rstrip())
            if kind == "ai-assistant-trailer" and own and own.group(1).strip(b"0"):
                return (kind, line.strip())
    for line in lines:
        if GENERATED_WITH.match(line):
            return ("generated-with", line.strip())
    return None


def is_bot(author: bytes) -> bool:
    return bool(BOT_AUTHOR.search(author.strip()))


def reference(path):
    """Fills in each case's `signal` and `shown` (Tests/Fixtures/classifier/metadata.json),
    which the Swift tests check Sources/Classifier/Evidence.swift against."""
    import json
    cases = json.load(open(path, encoding="utf-8"))
    for case in cases:
        found = ai_evidence(case["author"].encode(), case["message"].encode(), case["email"].encode())
        case["signal"] = found[0] if found else None
        case["shown"] = found[1].decode() if found else None
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(cases, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


if __name__ == "__main__":
    import sys
    reference(sys.argv[1])
