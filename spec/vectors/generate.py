#!/usr/bin/env python3
"""Regenerates spec/vectors/ with an implementation independent of the Swift code:
Python's json module for canonical JSON and pyca/cryptography for Ed25519.

    python3 spec/vectors/generate.py   (needs: pip install cryptography)

The key is RFC 8032's test vector 1 secret key: public and for tests only.
"""
import base64
import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def ssh_string(data):
    return struct.pack(">I", len(data)) + data


def main():
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    blob = ssh_string(b"ssh-ed25519") + ssh_string(public)
    openssh = "ssh-ed25519 " + base64.b64encode(blob).decode()
    keyid = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")

    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": COMMIT, "digest": {"gitCommit": COMMIT}}],
        "predicateType": "https://sessiontrace.dev/attribution/v1",
        "predicate": {
            "tool": {"name": "git-trace", "version": "0.1.0"},
            "signer": {"email": "vectors@example.com", "public_key": openssh},
            "committer": {"name": "Vector Committer", "email": "committer@example.com", "time": "2026-01-02T03:04:05Z"},
            "recorded_at": "2026-01-02T03:05:00Z",
            "files": [
                {"path": "src/app.swift", "ranges": [
                    {"start_line": 3, "end_line": 20,
                     "content_hash": "sha256:" + hashlib.sha256(b"ai lines\n").hexdigest(),
                     "contributor": {"type": "ai", "agent": "claude-code", "model_id": "anthropic/claude-sonnet-4-5"},
                     "session_id": "session-1", "prompt_sha256": hashlib.sha256(b"write the app").hexdigest(),
                     "confidence_bp": 10000},
                    {"start_line": 40, "end_line": 41,
                     "content_hash": "sha256:" + hashlib.sha256(b"human lines\n").hexdigest(),
                     "contributor": {"type": "human"}, "confidence_bp": 10000},
                ]},
                {"path": "tests/caf\u00e9 \"quoted\".txt", "ranges": [
                    {"start_line": 1, "end_line": 1,
                     "content_hash": "sha256:" + hashlib.sha256(b"mixed\n").hexdigest(),
                     "contributor": {"type": "mixed", "agent": "cursor", "model_id": "openai/gpt-5"},
                     "confidence_bp": 9500},
                ]},
            ],
            "totals": {"added": 25, "deleted": 3, "ai": 18, "human": 2, "mixed": 1},
        },
    }
    payload = canonical(statement)
    payload_type = "application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type.encode(), len(payload), payload)
    signature = key.sign(pae)
    envelope = canonical({
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": [{"keyid": keyid, "sig": base64.b64encode(signature).decode()}],
    })

    out = os.path.join(HERE, "attribution-v1")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    files = {
        "key.pem": pem,
        "allowed_signers": ("vectors@example.com " + openssh + "\n").encode(),
        "keyid.txt": (keyid + "\n").encode(),
        "statement.json": payload,
        "pae.hex": (pae.hex() + "\n").encode(),
        "envelope.jsonl": envelope + b"\n",
        "record-digest.txt": ("sha256:" + hashlib.sha256(envelope).hexdigest() + "\n").encode(),
    }
    write_files(out, files)


def write_files(directory, files):
    os.makedirs(directory, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)


def write_v2_record(directory, statement, key):
    """A version 2 record of `statement` signed with `key`: its payload, PAE, envelope
    line and record digest."""
    payload = canonical(statement)
    payload_type = "application/vnd.sessiontrace.v2+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type.encode(), len(payload), payload)
    envelope = canonical({
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": [{"keyid": keyid_of(key), "sig": base64.b64encode(key.sign(pae)).decode()}],
    })
    write_files(directory, {
        "statement.json": payload,
        "pae.hex": (pae.hex() + "\n").encode(),
        "envelope.jsonl": envelope + b"\n",
        "record-digest.txt": ("sha256:" + hashlib.sha256(envelope).hexdigest() + "\n").encode(),
    })


def version2():
    """attribution-v2/: §8's compact statement, signed with the same key; and
    invalid-v2.json: payloads a verifier must refuse (bad-schema), each with the member
    its message names."""
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    ai = {"type": "ai", "agent": "claude-code", "model": "anthropic/claude-sonnet-4-5", "session": "session-1",
          "prompt_sha256": hashlib.sha256(b"write the app").hexdigest()}
    mixed = {"type": "mixed", "agent": "cursor", "model": "openai/gpt-5", "confidence_bp": 9500}
    human = {"type": "human"}
    by = sorted([ai, mixed, human], key=canonical)
    index = {json.dumps(label, sort_keys=True): position for position, label in enumerate(by)}

    def at(label):
        return index[json.dumps(label, sort_keys=True)]

    statement = {
        "_kind": "attribution",
        "_signer": "vectors@example.com",
        "_tool": "git-trace 0.2.0",
        "by": by,
        "commit": COMMIT,
        "files": {
            "src/app.swift": [[at(ai), "3-20,25"]],
            "tests/caf\u00e9 \"quoted\".txt": [[at(mixed), "1"]],
        },
        "rest": at(human),
        "sessions": [
            {"actions_accepted": 4, "actions_rejected": 1, "agent": "claude-code", "lines_committed_edited": 0,
             "lines_committed_unchanged": 19, "lines_written": 24, "model_id": "anthropic/claude-sonnet-4-5",
             "session_id": "session-1"},
        ],
        "time": 1767323100,  # 2026-01-02T03:05:00Z
    }
    write_v2_record(os.path.join(HERE, "attribution-v2"), statement, key)

    def variant(change):
        copy = json.loads(json.dumps(statement))
        change(copy)
        return copy

    def set_(member, value):
        return lambda s: s.__setitem__(member, value)

    def drop(member):
        return lambda s: s.pop(member)

    invalid = [
        ("_kind", set_("_kind", "guess")),
        ("_tool", set_("_tool", "git-trace")),
        ("commit", set_("commit", COMMIT.upper())),
        ("time", set_("time", 253402300800)),
        ("files[\"src/app.swift\"][0][0]", set_("by", [])),
        ("by[1]", set_("by", list(reversed(by)))),
        ("by[1]", set_("by", [by[0], by[0], by[1], by[2]])),
        ("by[0]", lambda s: s["by"][0].__setitem__("model", "claude")),
        ("by[2]", lambda s: s["by"][2].__setitem__("agent", "cursor")),
        ("by[1]", lambda s: s["by"][1].__setitem__("confidence_bp", 10000)),
        ("by[0]", lambda s: s["by"][0].__setitem__("prompt_hmac_sha256", "ab" * 32)),
        ("by[1]", lambda s: s["files"].pop("tests/caf\u00e9 \"quoted\".txt")),
        ("rest", set_("rest", 3)),
        ("by[0]", lambda s: (s.pop("files"), s.pop("rest"))),
        ("files", set_("files", {})),
        ("files", lambda s: s["files"].__setitem__("../outside", [[0, "1"]])),
        ("files[\"src/app.swift\"][0][1]", lambda s: s["files"].__setitem__("src/app.swift", [[0, "3-3"]])),
        ("files[\"src/app.swift\"][0][1]", lambda s: s["files"].__setitem__("src/app.swift", [[0, "03-20"]])),
        ("files[\"src/app.swift\"][0][1]", lambda s: s["files"].__setitem__("src/app.swift", [[0, "3-20,21"]])),
        ("files[\"src/app.swift\"][0][1]", lambda s: s["files"].__setitem__("src/app.swift", [[0, "0"]])),
        ("files[\"src/app.swift\"][0][1]", lambda s: s["files"].__setitem__("src/app.swift", [[0, "20-30,3"]])),
        ("files[\"src/app.swift\"][1]", lambda s: s["files"].__setitem__("src/app.swift", [[1, "3"], [0, "5"]])),
        ("files[\"src/app.swift\"]", lambda s: s["files"].__setitem__("src/app.swift", [[0, "3-20"], [1, "20"]])),
        ("files[\"src/app.swift\"][0][0]", lambda s: s["files"].__setitem__("src/app.swift", [[2, "3-20"]])),
        ("", set_("totals", {"ai": 18})),
        ("sessions[0].actions_rejected", lambda s: s["sessions"][0].__setitem__("actions_rejected", 0)),
        ("sessions[0].actions_accepted", lambda s: s["sessions"][0].__setitem__("actions_accepted", -1)),
    ]
    cases = [{"member": member, "payload": canonical(variant(change)).decode()} for member, change in invalid]
    with open(os.path.join(HERE, "invalid-v2.json"), "w", encoding="utf-8") as handle:
        json.dump(cases, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def waiver():
    """waiver-v2/: §8.1's waiver statement, signed with the same key; and invalid-waiver.json:
    waiver payloads a verifier must refuse (bad-schema), each with the member its message names."""
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    statement = {
        "_kind": "waiver",
        "_signer": "approver@example.com",
        "_tool": "git-trace 0.2.0",
        "author": {"email": "dev@example.com", "name": "Dev Eloper", "time": "2026-01-02T03:04:05Z"},
        "change": change_id(CHANGE_FILES)[1],
        "commit": COMMIT,
        "reason": "hotfix INC-42: reviewed on the incident call \u2014 follow-up review in PR 7",
        "rule": "sensitive_review",
        "time": 1767323400,  # 2026-01-02T03:10:00Z
    }
    write_v2_record(os.path.join(HERE, "waiver-v2"), statement, key)

    def variant(member, value):
        copy = dict(statement)
        if value is None:
            copy.pop(member)
        else:
            copy[member] = value
        return {"member": member, "payload": canonical(copy).decode()}

    cases = [
        variant("rule", "max_ai"),
        variant("rule", None),
        variant("reason", " \n"),
        variant("reason", None),
        variant("author", None),
        variant("author", {"email": "dev@example.com", "name": "Dev Eloper", "time": "yesterday"}),
        variant("change", "sha256:" + "A" * 64),
        variant("change", "sha1:" + "a" * 40),
        {"member": "", "payload": canonical(dict(statement, comment="extra")).decode()},
    ]
    with open(os.path.join(HERE, "invalid-waiver.json"), "w", encoding="utf-8") as handle:
        json.dump(cases, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def estimate():
    """estimate-v2/: §8.3's estimate statement, signed with the same key; and
    invalid-estimate.json: estimate payloads a verifier must refuse (bad-schema), each
    with the member its message names."""
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    statement = {
        "_kind": "estimate",
        "_signer": "auditor@example.com",
        "_tool": "git-trace 0.2.0",
        "commit": COMMIT,
        "confidence": "medium",
        "content_only": False,
        "files": {
            "src/app.py": [["3-20", 8100], ["40-52", 6900]],
            "tests/caf\u00e9 \"quoted\".py": [["1-9", 7400]],
        },
        "model": "sessiontrace-lr-20261206",
        "model_sha256": hashlib.sha256(b"a classifier model file").hexdigest(),
        "probability_bp": 7700,
        "time": 1767323400,  # 2026-01-02T03:10:00Z
        "unscored": 12,
    }
    write_v2_record(os.path.join(HERE, "estimate-v2"), statement, key)

    def variant(member, change):
        copy = json.loads(json.dumps(statement))
        change(copy)
        return {"member": member, "payload": canonical(copy).decode()}

    def set_(member, value):
        return lambda s: s.__setitem__(member, value)

    def drop(member):
        return lambda s: s.pop(member)

    def blocks(path, value):
        return lambda s: s["files"].__setitem__(path, value)

    cases = [
        variant("model", drop("model")),
        variant("model", set_("model", "a model")),
        variant("model", set_("model", "m" * 65)),
        variant("model_sha256", set_("model_sha256", "AB" * 32)),
        variant("model_sha256", set_("model_sha256", "ab" * 31)),
        variant("content_only", set_("content_only", 0)),
        variant("evidence", set_("evidence", [])),
        variant("evidence", set_("evidence", ["trust-me"])),
        variant("evidence", set_("evidence", ["generated-with", "agent-author"])),
        variant("evidence", set_("evidence", ["agent-author", "agent-author"])),
        variant("evidence", lambda s: s.update(content_only=True, evidence=["agent-author"])),
        variant("probability_bp", set_("probability_bp", 10001)),
        variant("probability_bp", set_("probability_bp", -1)),
        variant("confidence", set_("confidence", "high")),
        variant("confidence", drop("confidence")),
        variant("confidence", drop("probability_bp")),
        variant("files", lambda s: (s.pop("probability_bp"), s.pop("confidence"))),
        variant("files", set_("files", {})),
        variant("files", blocks("../outside.py", [["1-9", 5000]])),
        variant("files[\"src/app.py\"]", blocks("src/app.py", [])),
        variant("files[\"src/app.py\"][0][0]", blocks("src/app.py", [["3-20,22-30", 8100]])),
        variant("files[\"src/app.py\"][0][0]", blocks("src/app.py", [["20-3", 8100]])),
        variant("files[\"src/app.py\"][0][0]", blocks("src/app.py", [["0-3", 8100]])),
        variant("files[\"src/app.py\"][1][0]", blocks("src/app.py", [["40-52", 6900], ["3-20", 8100]])),
        variant("files[\"src/app.py\"][1][0]", blocks("src/app.py", [["3-20", 8100], ["20-30", 6900]])),
        variant("files[\"src/app.py\"][0][1]", blocks("src/app.py", [["3-20", 10001]])),
        variant("files[\"src/app.py\"][0]", blocks("src/app.py", [[3, 20, 8100]])),
        variant("unscored", set_("unscored", 0)),
        variant("", set_("captured", True)),
    ]
    with open(os.path.join(HERE, "invalid-estimate.json"), "w", encoding="utf-8") as handle:
        json.dump(cases, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


# §8.2's change identity: the files one commit changes against its first parent, each
# {path, old_mode, new_mode, old, new} (mode "0": the side is absent; a submodule's side
# is its commit id). The contents are chosen so that every line diff is unambiguous:
# difflib's and Myers' agree on them.
CHANGE_FILES = [
    {"path": "src/app.swift", "old_mode": "100644", "new_mode": "100644",
     "old": "1\n2\n3\n4\n5\n", "new": "1\nX\n3\n4\nY\n"},
    {"path": "docs/new file.md", "old_mode": "0", "new_mode": "100644", "old": "", "new": "hello\n"},
    {"path": "old.txt", "old_mode": "100644", "new_mode": "0", "old": "bye\n", "new": ""},
    {"path": "run.sh", "old_mode": "100644", "new_mode": "100755", "old": "echo hi\n", "new": "echo hi\n"},
    {"path": "tail.txt", "old_mode": "100644", "new_mode": "100644", "old": "x", "new": "x\ny"},
    {"path": "vendor/lib", "old_mode": "160000", "new_mode": "160000",
     "old": "1111111111111111111111111111111111111111", "new": "2222222222222222222222222222222222222222"},
]


def split_lines(text):
    lines = text.encode().split(b"\n")
    return [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def change_id(files):
    """(encoding, change) of spec/records.md §8.2, with difflib's line diff."""
    import difflib
    encoding = b""
    for file in sorted(files, key=lambda f: (f["path"].encode(), f["new_mode"] != "0")):
        def content(mode, text):
            if mode == "0":
                return []
            return split_lines(text + "\n" if mode == "160000" else text)
        old, new = content(file["old_mode"], file["old"]), content(file["new_mode"], file["new"])
        encoding += b"F" + file["path"].encode() + b"\0" + (file["old_mode"] + " " + file["new_mode"]).encode() + b"\0"
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            removed, added = b"".join(old[i1:i2]), b"".join(new[j1:j2])
            encoding += b"-" + str(len(removed)).encode() + b"\0" + removed
            encoding += b"+" + str(len(added)).encode() + b"\0" + added
    return encoding, "sha256:" + hashlib.sha256(encoding).hexdigest()


def change_vectors():
    cases = []
    for name, files in [("every kind of change", CHANGE_FILES), ("no change", []),
                        ("one line", [CHANGE_FILES[0]])]:
        encoding, change = change_id(files)
        cases.append({"name": name, "files": files, "encoding_hex": encoding.hex(), "change": change})
    with open(os.path.join(HERE, "change-id.json"), "w", encoding="utf-8") as handle:
        json.dump(cases, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def keyid_of(key):
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    blob = ssh_string(b"ssh-ed25519") + ssh_string(public)
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def merkle_root(leaves):
    """RFC 6962 MTH over raw leaf data."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:split]) + merkle_root(leaves[split:])).digest()


def checkpoints():
    cases = []
    for size in [0, 1, 2, 3, 4, 5, 7, 8, 13]:
        leaves = sorted(hashlib.sha256(f"record {i}".encode()).digest() for i in range(size))
        cases.append({"leaves": [leaf.hex() for leaf in leaves], "root": merkle_root(leaves).hex()})
    with open(os.path.join(HERE, "merkle.json"), "w") as handle:
        json.dump(cases, handle, indent=1)
        handle.write("\n")

    key = Ed25519PrivateKey.from_private_bytes(SEED)
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    name = "vectors@example.com"
    leaves = sorted(hashlib.sha256(f"record {i}".encode()).digest() for i in range(5))
    body = (f"sessiontrace/{COMMIT}\n5\n{base64.b64encode(merkle_root(leaves)).decode()}\n"
            f"notes-commit {'ab' * 20}\ntime 2026-01-02T03:04:05Z\n")
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    signature = key.sign(body.encode())
    note = body + "\n\u2014 " + name + " " + base64.b64encode(key_hash + signature).decode() + "\n"
    with open(os.path.join(HERE, "checkpoint-v1.txt"), "w", encoding="utf-8") as handle:
        handle.write(note)


if __name__ == "__main__":
    main()
    version2()
    waiver()
    estimate()
    change_vectors()
    checkpoints()
