"""The classifier's features (spec/classifier.md §3), as Sources/Classifier computes them.

Everything works on the block's UTF-8 bytes, so that both implementations agree byte
for byte; floating point follows the same order of operations as the Swift scorer.
"""

import math
import re

import numpy as np

HASH_BITS = 18
HASH_SIZE = 1 << HASH_BITS
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1

WHITESPACE = b" \t\r\n\f\v"
COMMENT_STARTS = (b"//", b"#", b"/*", b"*", b"--", b";;", b'"""', b"'''")
STYLE_NAMES = [
    "log_lines", "mean_line_length", "log_max_line_length", "blank_fraction", "trailing_space_fraction",
    "tab_indent_fraction", "comment_fraction", "comment_period_fraction", "comment_capital_fraction",
    "dash_arrow_per_line", "mean_identifier_length", "snake_case_fraction", "camel_case_fraction",
    "non_ascii_fraction", "semicolon_end_fraction", "mean_indent", "tokens_per_line", "number_fraction",
    "quote_fraction", "unique_token_fraction", "log_longest_comment",
]
STYLE_COUNT = len(STYLE_NAMES)
# UTF-8 of the em dash, en dash, and the arrows → ⇒ ←.
DASHES_AND_ARROWS = [b"\xe2\x80\x94", b"\xe2\x80\x93", b"\xe2\x86\x92", b"\xe2\x87\x92", b"\xe2\x86\x90"]


def fnv1a(data: bytes, h: int = FNV_OFFSET) -> int:
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK64
    return h


# A maximal run of word bytes, or one byte that is neither a word byte nor white space.
TOKEN = re.compile(rb"[0-9A-Za-z_\x80-\xff]+|[^0-9A-Za-z_\x80-\xff \t\r\n\x0c\x0b]")


def tokens(text: bytes) -> list:
    """Maximal runs of word bytes ([A-Za-z0-9_] and any byte >= 0x80), and each other
    byte that is not white space on its own."""
    return TOKEN.findall(text)


def collapsed(text: bytes) -> bytes:
    """Each run of white space as one space."""
    out = bytearray()
    in_space = False
    for b in text:
        if b in WHITESPACE:
            if not in_space:
                out.append(32)
            in_space = True
        else:
            out.append(b)
            in_space = False
    return bytes(out)


def block_text(lines: list) -> bytes:
    return b"\n".join(lines) + b"\n"


def _byte_grams(flat: bytes, counts: dict):
    """Byte 3-, 4- and 5-grams, hashed as "c\\0" + gram, with numpy (uint64 wraps)."""
    data = np.frombuffer(flat, dtype=np.uint8).astype(np.uint64)
    prime = np.uint64(FNV_PRIME)
    seed = np.uint64(fnv1a(b"c\x00"))
    with np.errstate(over="ignore"):
        for n in (3, 4, 5):
            count = len(data) - n + 1
            if count <= 0:
                continue
            h = np.full(count, seed, dtype=np.uint64)
            for j in range(n):
                h = (h ^ data[j:j + count]) * prime
            buckets = (h & np.uint64(HASH_SIZE - 1)).astype(np.int64)
            for bucket, number in zip(*np.unique(buckets, return_counts=True)):
                counts[int(bucket)] = counts.get(int(bucket), 0) + int(number)


def hashed_counts(lines: list) -> dict:
    """Bucket -> count: token 1-, 2- and 3-grams (the tokens joined by NUL), and byte
    3-, 4- and 5-grams of the text with white space collapsed."""
    text = block_text(lines)
    counts = {}
    toks = tokens(text)
    mask = HASH_SIZE - 1
    unigram, bigram, trigram = fnv1a(b"u\x00"), fnv1a(b"b\x00"), fnv1a(b"t\x00")
    for i, tok in enumerate(toks):
        for seed, width in ((unigram, 1), (bigram, 2), (trigram, 3)):
            if i + width > len(toks):
                break
            h = fnv1a(tok, seed)
            for k in range(1, width):
                h = fnv1a(toks[i + k], fnv1a(b"\x00", h))
            counts[h & mask] = counts.get(h & mask, 0) + 1
    _byte_grams(collapsed(text), counts)
    return counts


def hashed_vector(lines: list) -> dict:
    """1 for each bucket present, scaled to unit length: 1 / sqrt(buckets)."""
    buckets = hashed_counts(lines)
    if not buckets:
        return {}
    value = 1.0 / math.sqrt(float(len(buckets)))
    return {k: value for k in buckets}


def strip(line: bytes) -> bytes:
    return line.strip(WHITESPACE)


def comment_text(stripped: bytes):
    """The text of a comment line, or None."""
    for start in COMMENT_STARTS:
        if stripped.startswith(start):
            return strip(stripped[len(start):])
    return None


def is_upper(b: int) -> bool:
    return 65 <= b <= 90


def is_lower(b: int) -> bool:
    return 97 <= b <= 122


def is_identifier(token: bytes) -> bool:
    """An identifier token starts with a letter or an underscore."""
    return is_upper(token[0]) or is_lower(token[0]) or token[0] == 95


def style(lines: list) -> list:
    n = len(lines)
    text = block_text(lines)
    stripped = [strip(line) for line in lines]
    blank = sum(1 for s in stripped if not s)
    trailing = sum(1 for line in lines if line and line[-1] in (32, 9))
    tab_indent = sum(1 for line in lines if line[:1] == b"\t")
    comments = [c for c in (comment_text(s) for s in stripped if s) if c is not None]
    comment_period = sum(1 for c in comments if c.endswith(b"."))
    comment_capital = sum(1 for c in comments if c and is_upper(c[0]))
    dashes = sum(text.count(d) for d in DASHES_AND_ARROWS)
    toks = tokens(text)
    identifiers = [t for t in toks if is_identifier(t)]
    numbers = sum(1 for t in toks if 48 <= t[0] <= 57)
    snake = sum(1 for t in identifiers if b"_" in t.strip(b"_") and not any(is_upper(b) for b in t))
    camel = sum(1 for t in identifiers if b"_" not in t and is_lower(t[0]) and any(is_upper(b) for b in t))
    non_ascii = sum(1 for b in text if b >= 0x80)
    nonblank = n - blank
    semicolon = sum(1 for s in stripped if s.endswith(b";"))
    indents = [len(line) - len(line.lstrip(b" ")) for line, s in zip(lines, stripped) if s]
    quotes = sum(1 for b in text if b in (34, 39, 96))
    longest_comment = max((len(c) for c in comments), default=0)
    ncomments = len(comments)
    nidentifiers = len(identifiers)
    ntokens = len(toks)
    return [
        math.log1p(n),
        sum(len(line) for line in lines) / n,
        math.log1p(max(len(line) for line in lines)),
        blank / n,
        trailing / n,
        tab_indent / n,
        ncomments / n,
        comment_period / ncomments if ncomments else 0.0,
        comment_capital / ncomments if ncomments else 0.0,
        dashes / n,
        sum(len(t) for t in identifiers) / nidentifiers if nidentifiers else 0.0,
        snake / nidentifiers if nidentifiers else 0.0,
        camel / nidentifiers if nidentifiers else 0.0,
        non_ascii / len(text),
        semicolon / nonblank if nonblank else 0.0,
        sum(indents) / len(indents) if indents else 0.0,
        ntokens / n,
        numbers / ntokens if ntokens else 0.0,
        quotes / len(text),
        len(set(toks)) / ntokens if ntokens else 0.0,
        math.log1p(longest_comment),
    ]


# File context (§3.4): the parent version's lines around where the block now starts.
CONTEXT_RADIUS = 100
CONTEXT_NAMES = (
    ["context_" + name for name in STYLE_NAMES] + ["change_" + name for name in STYLE_NAMES]
    + ["has_context", "new_identifier_fraction"]
)
DENSE_NAMES = STYLE_NAMES + CONTEXT_NAMES
DENSE_COUNT = len(DENSE_NAMES)


def context_window(parent: bytes, start: int):
    """The parent version's lines from start - 1 - CONTEXT_RADIUS to start - 1 +
    CONTEXT_RADIUS (0-based, end excluded, cut at the file's ends; the file split at
    every LF, so a final LF leaves an empty last line), or None when none of them holds
    anything but white space."""
    lines = parent.split(b"\n")
    window = lines[max(0, start - 1 - CONTEXT_RADIUS):max(0, start - 1 + CONTEXT_RADIUS)]
    if not any(strip(line) for line in window):
        return None
    return window


def dense(lines: list, context) -> list:
    """The block's style numbers, then the context's (zeros without one), the block's
    minus the context's, whether there is a context, and the share of the block's
    identifier tokens (each occurrence) that the context does not hold."""
    own = style(lines)
    if context is None:
        return own + [0.0] * (2 * STYLE_COUNT + 2)
    theirs = style(context)
    known = {t for t in tokens(block_text(context)) if is_identifier(t)}
    identifiers = [t for t in tokens(block_text(lines)) if is_identifier(t)]
    new = sum(1 for t in identifiers if t not in known)
    return own + theirs + [a - b for a, b in zip(own, theirs)] + [
        1.0, new / len(identifiers) if identifiers else 0.0]
