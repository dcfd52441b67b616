"""Metadata that says a commit was written with an AI assistant (spec/classifier.md §2).
Sources/Classifier/Evidence.swift reads commits with the same patterns."""

import re

# A co-author trailer naming an assistant (the name or the address).
AI_COAUTHOR = re.compile(
    rb"^co-authored-by:.*(claude|anthropic\.com|copilot|cursor ?agent|cursoragent@|gemini|codex|chatgpt|openai"
    rb"|devin|openhands|aider|jules|ampcode\.com|windsurf|cascade|junie|kiro)",
    re.IGNORECASE | re.MULTILINE)
# "Generated with [Claude Code](...)", "🤖 Generated with ...".
GENERATED_WITH = re.compile(rb"^(\xf0\x9f\xa4\x96 )?generated (with|by) \[?(claude|cursor|copilot|gemini|codex|aider|amp|devin)",
                            re.IGNORECASE | re.MULTILINE)
# Authors that are agents: aider's "Name (aider)", and agents' bot accounts.
AGENT_AUTHOR = re.compile(
    rb"\(aider\)$|^(copilot-swe-agent|devin-ai-integration|claude|cursor|google-labs-jules|openhands-agent|codegen-sh)(\[bot\])?$",
    re.IGNORECASE)
BOT_AUTHOR = re.compile(rb"\[bot\]$|^dependabot|^renovate|^github-actions|-bot$", re.IGNORECASE)


def ai_evidence(author: bytes, message: bytes):
    """The first marker found, as (kind, text), or None. `author`: the author's name."""
    if AGENT_AUTHOR.search(author.strip()):
        return ("agent-author", author.strip())
    match = AI_COAUTHOR.search(message)
    if match:
        line = message[match.start():].split(b"\n", 1)[0]
        return ("ai-coauthor-trailer", line.strip())
    match = GENERATED_WITH.search(message)
    if match:
        line = message[match.start():].split(b"\n", 1)[0]
        return ("generated-with", line.strip())
    return None


def is_bot(author: bytes) -> bool:
    return bool(BOT_AUTHOR.search(author.strip()))
