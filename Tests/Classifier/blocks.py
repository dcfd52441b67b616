"""Added blocks of a commit's diff, and which files are scored (spec/classifier.md §1).
Sources/Classifier/Blocks.swift does the same."""

import re

CODE_EXTENSIONS = {
    "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m", "mm", "cs", "java", "kt", "kts", "scala", "swift", "go", "rs",
    "py", "pyi", "rb", "php", "js", "jsx", "mjs", "cjs", "ts", "tsx", "vue", "svelte", "dart", "lua", "pl", "pm",
    "sh", "bash", "zsh", "ex", "exs", "erl", "hs", "ml", "clj", "r", "jl", "zig", "nim", "groovy", "ps1",
}
# Folders and names of code nobody in the repository wrote by hand.
EXCLUDED_SEGMENTS = {"vendor", "vendored", "third_party", "third-party", "node_modules", "dist", "build",
                     "generated", "__generated__", "gen", "external", "deps"}
EXCLUDED_SUFFIXES = (".min.js", ".min.css", ".pb.go", "_pb2.py", "_pb2_grpc.py", ".pb.h", ".pb.cc", ".g.dart",
                     ".generated.ts", ".generated.js", ".d.ts")

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
    return "." in name and name.rsplit(".", 1)[1] in CODE_EXTENSIONS


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


def is_imports_only(lines) -> bool:
    nonblank = [line.strip(b" \t\r\n\f\v") for line in lines]
    return all(line.startswith(IMPORT_STARTS) for line in nonblank if line)


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
