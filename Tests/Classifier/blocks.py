"""Added blocks of a commit's diff, and which files are scored (spec/classifier.md §1).
Sources/Classifier/Blocks.swift does the same."""

import re

from features import strip

CODE_EXTENSIONS = {
    "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m", "mm", "cs", "java", "kt", "kts", "scala", "swift", "go", "rs",
    "py", "pyi", "rb", "php", "js", "jsx", "mjs", "cjs", "ts", "tsx", "vue", "svelte", "dart", "lua", "pl", "pm",
    "sh", "bash", "zsh", "ex", "exs", "erl", "hs", "ml", "clj", "r", "jl", "zig", "nim", "groovy", "ps1",
}
# Folders and names of code nobody in the repository wrote by hand.
EXCLUDED_SEGMENTS = {"vendor", "vendored", "third_party", "third-party", "node_modules", "dist", "build",
                     "generated", "__generated__", "gen", "external", "deps"}
EXCLUDED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".min.css", ".bundle.js", ".pb.go", "_pb2.py",
                     "_pb2_grpc.py", ".pb.h", ".pb.cc", ".pb.swift", ".g.dart", ".d.ts")
GENERATED_NAME_PARTS = (".generated.", "_generated.", "-generated.", ".gen.")
# Bytes of an encoded line: base64, hex, URL-safe base64, a line-continuation backslash.
ENCODED_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-\\")
MIN_LINES = 8

HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
IMPORT_STARTS = (b"import ", b"from ", b"#include", b"use ", b"using ", b"require", b"package ", b"@import",
                 b"extern crate")

def is_scoreable_path(path: str) -> bool:
    lower = path.lower()
    parts = lower.split("/")
    if any(part in EXCLUDED_SEGMENTS for part in parts[:-1]):
        return False
    if lower.endswith(EXCLUDED_SUFFIXES):
        return False
    name = parts[-1]
    if "." not in name or any(part in name for part in GENERATED_NAME_PARTS):
        return False
    return name.rsplit(".", 1)[1] in CODE_EXTENSIONS


def unquote(path: bytes) -> bytes:
    """git's C-style quoting of unusual paths."""
    if not path.startswith(b'"'):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    escapes = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8, ord("f"): 12,
               ord("r"): 13, ord("v"): 11}
    while i < len(body):
        b = body[i]
        if b == 92 and i + 1 < len(body):
            nxt = body[i + 1]
            if 48 <= nxt <= 55:
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        out.append(b)
        i += 1
    return bytes(out)


def bracket_balance(line: bytes) -> int:
    return line.count(b"(") + line.count(b"{") - line.count(b")") - line.count(b"}")


def is_imports_only(lines) -> bool:
    """Every non-blank line starts an import or is a name listed inside one whose line
    ended by opening a bracket, until its brackets close; a listed name has no "=" and
    no "(" (Blocks.swift)."""
    depth = 0
    for line in lines:
        line = strip(line)
        if not line:
            continue
        assignment = b"=" in line
        if depth > 0:
            if assignment or b"(" in line:
                return False
            depth = max(0, depth + bracket_balance(line))
            continue
        if not line.startswith(IMPORT_STARTS):
            return False
        if not assignment and line[-1:] in (b"(", b"{"):
            depth = max(1, bracket_balance(line))
    return True


def is_mostly_data(lines) -> bool:
    """At least half the (stripped) bytes are in lines of 1,000 bytes or more, or of 60
    or more bytes that are all ENCODED_BYTES."""
    total = data = 0
    for line in lines:
        line = strip(line)
        total += len(line)
        if len(line) >= 1000 or (len(line) >= 60 and all(b in ENCODED_BYTES for b in line)):
            data += len(line)
    return total > 0 and 2 * data >= total


def unscored_reason(path: str, lines):
    """Why a block is not scored, or None (AddedBlock.unscoredReason)."""
    if len(lines) < MIN_LINES:
        return f"fewer than {MIN_LINES} lines"
    if not is_scoreable_path(path):
        return "not hand-written code (by its path)"
    if all(not strip(line) for line in lines):
        return "blank lines only"
    if is_imports_only(lines):
        return "imports only"
    if is_mostly_data(lines):
        return "data, not code (long or encoded lines)"
    return None


def added_blocks(diff: bytes):
    """(path, first line, [line bytes]) for each run of added lines of a -U0 diff. A
    hunk is read for as many lines as its header counts, so that an added line that
    looks like a header is read as the line it is."""
    blocks = []
    path = None
    old_left = new_left = 0
    current = None
    for line in diff.split(b"\n"):
        if old_left > 0 or new_left > 0:
            if line.startswith(b"+"):
                if current is not None:
                    current[2].append(line[1:])
                new_left -= 1
                continue
            if line.startswith(b"-"):
                old_left -= 1
                continue
            if line.startswith(b"\\"):
                continue
            old_left = new_left = 0
        if line.startswith(b"diff --git "):
            path = None
        elif line.startswith(b"+++ "):
            target = unquote(line[4:]).rstrip(b"\t")
            path = target[2:].decode("utf-8", "replace") if target.startswith(b"b/") else None
        elif line.startswith(b"@@ "):
            match = HUNK.match(line)
            if match:
                old_left = int(match.group(1)) if match.group(1) is not None else 1
                new_left = int(match.group(3)) if match.group(3) is not None else 1
                current = (path, int(match.group(2)), []) if path is not None else None
                if current is not None:
                    blocks.append(current)
    return [b for b in blocks if b[2]]
