#!/usr/bin/env python3
"""Verifies SessionTrace note lines with securesystemslib, an independent DSSE
implementation. Usage: dsse_verify.py ALLOWED_SIGNERS COMMIT < note-lines

Prints "verified N" and exits 0 when every line is a DSSE envelope whose signature
securesystemslib accepts under a key from ALLOWED_SIGNERS and whose subject is COMMIT
(the in-toto subject of a version 1 record, the "commit" of a version 2 record,
spec/records.md §8); exits 1 naming the first line that is not.
"""
import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives.serialization import load_ssh_public_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey


def keys_from_allowed_signers(path):
    keys = []
    with open(path) as handle:
        for line in handle:
            fields = line.split()
            if len(fields) < 3 or fields[0].startswith("#"):
                continue
            blob = base64.b64decode(fields[2])
            keyid = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
            public = load_ssh_public_key(f"{fields[1]} {fields[2]}".encode())
            keys.append(SSlibKey.from_crypto(public, keyid=keyid))
    return keys


def main():
    keys = keys_from_allowed_signers(sys.argv[1])
    commit = sys.argv[2]
    count = 0
    for number, line in enumerate(sys.stdin, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            envelope = Envelope.from_dict(json.loads(line))
            envelope.verify(keys, 1)
            statement = json.loads(envelope.payload)
            if envelope.payload_type == "application/vnd.sessiontrace.v2+json":
                subject = statement["commit"]
            elif envelope.payload_type == "application/vnd.in-toto+json":
                if statement["_type"] != "https://in-toto.io/Statement/v1":
                    raise ValueError("not an in-toto statement")
                subject = statement["subject"][0]["digest"]["gitCommit"]
            else:
                raise ValueError(f"unknown payload type {envelope.payload_type}")
            if subject != commit:
                raise ValueError(f"subject is not {commit}")
        except Exception as error:  # report any failure as a verification failure
            print(f"line {number}: {type(error).__name__}: {error}")
            return 1
        count += 1
    print(f"verified {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
