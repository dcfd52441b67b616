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
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)


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
    checkpoints()
