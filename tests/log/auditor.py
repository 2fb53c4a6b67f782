#!/usr/bin/python3
"""auditor.py LOG...: a verifier of the decision log written from spec/trace.md §9 alone.

It shares no code with libgovlog: it is what an auditor would write from the spec, and
tests/log/run.sh checks that it and `govc audit verify` agree on intact, torn and
tampered logs. Prints one line: "verified N lines, closed|open", "torn at OFFSET+LEN
after N lines", or "failed: REASON", and exits 0, 3 (open or torn) or 1.
"""
import base64
import hashlib
import json
import re
import sys

MEMBERS = {
    "file": ["format", "file"],
    "open": ["previous"],
    "recover": ["torn_offset", "torn_bytes", "torn_sha256"],
    "attach": ["stream", "policy", "policy_id", "version", "stamp", "limits", "state_sha256", "state?"],
    "decision": ["stream", "line", "run_id", "at", "policy_id", "version", "stamp", "input_sha256",
                 "input?|input_base64?", "decision"],
    "detach": ["stream", "entries", "state_sha256"],
    "rotate": ["next_file"],
    "close": ["entries"],
}
ZERO = "0" * 64


class Fail(Exception):
    pass


def is_hex(s, n):
    return isinstance(s, str) and len(s) == n and all(c in "0123456789abcdef" for c in s)


def check_members(obj, typ, where):
    keys = list(obj.keys())
    if keys[:3] != ["seq", "prev", "type"] or keys[-1] != "sha256":
        raise Fail(f"{where}: members out of order")
    body = keys[3:-1]
    want = []
    for m in MEMBERS[typ]:
        if "|" in m:
            for alt in m.split("|"):
                if body[len(want):len(want) + 1] == [alt[:-1]]:
                    want.append(alt[:-1])
                    break
        elif m.endswith("?"):
            if body[len(want):len(want) + 1] == [m[:-1]]:
                want.append(m[:-1])
        else:
            want.append(m)
    if body != want:
        raise Fail(f"{where}: members {body}, expected {want}")


def line_digest(raw, where):
    """The digest of a line (without its newline), checked against its sha256 member."""
    if len(raw) < 79 or raw[-77:-66] != b',"sha256":"' or raw[-2:] != b'"}':
        raise Fail(f"{where}: the line does not end with its sha256 member")
    claimed = raw[-66:-2].decode("ascii", "replace")
    if hashlib.sha256(raw[:-77]).hexdigest() != claimed:
        raise Fail(f"{where}: sha256 does not match: the line was altered")
    return claimed


def verify(paths):
    files = []
    for p in paths:
        data = open(p, "rb").read()
        nl = data.find(b"\n")
        if nl < 0 and len(paths) == 1:
            # A writer killed before its first line was whole: the whole file is a torn
            # tail (spec/trace.md 9.3, 9.4), and nothing was logged.
            return f"torn at 0+{len(data)} after 0 lines", 3
        if nl < 0:
            raise Fail(f"{p}: no header line")
        line_digest(data[:nl], f"{p}:0")
        h = json.loads(data[:nl])
        if h.get("type") != "file":
            raise Fail(f"{p}: the first line is not a header")
        files.append((h["file"], p, data))
    files.sort()
    for i, f in enumerate(files):
        if f[0] != i + 1:
            raise Fail(f"file {i + 1} is missing or repeated")
    seq, prev = 0, ZERO
    last_type, last_seq, pre_recover, recover_end = None, None, None, None
    in_session, session_entries = False, 0
    streams = {}  # id -> [attached, entries, (policy_id, version, stamp)]
    for fi, (num, p, data) in enumerate(files):
        pos, first, rotated = 0, True, False
        while pos < len(data):
            nl = data.find(b"\n", pos)
            if nl < 0:
                if fi + 1 < len(files):
                    raise Fail(f"{p}:{pos}: a torn line inside the log")
                return f"torn at {pos}+{len(data) - pos} after {seq} lines", 3
            raw, where = data[pos:nl], f"{p}:{pos}"
            digest = line_digest(raw, where)
            obj = json.loads(raw)
            t = obj.get("type")
            if t not in MEMBERS:
                raise Fail(f"{where}: unknown type {t!r}")
            check_members(obj, t, where)
            if obj["seq"] != seq:
                raise Fail(f"{where}: seq {obj['seq']}, expected {seq}")
            if obj["prev"] != prev:
                raise Fail(f"{where}: prev is not the previous line's digest")
            if rotated:
                raise Fail(f"{where}: a line after a rotate line")
            if (t == "file") != first:
                raise Fail(f"{where}: a header must be a file's first line, and only that")
            if last_type == "recover" and t not in ("open", "recover"):
                raise Fail(f"{where}: recover not followed by open")
            if last_type == "close" and t not in ("open", "recover"):
                raise Fail(f"{where}: {t} after close")
            if t in ("attach", "decision", "detach", "rotate", "close") and not in_session:
                raise Fail(f"{where}: {t} outside a session")
            if t == "file":
                if obj["format"] != "govlog/1" or obj["file"] != num or (fi > 0 and last_type != "rotate"):
                    raise Fail(f"{where}: bad header")
            elif t == "rotate":
                if obj["next_file"] != num + 1:
                    raise Fail(f"{where}: rotate names the wrong file")
                rotated = True
            elif t == "recover":
                if last_type == "recover":
                    # The writer stopped before cutting the rest of a tail longer than its
                    # recover line: the next recover line names that rest.
                    if obj["torn_offset"] != pos or pos + obj["torn_bytes"] != recover_end:
                        raise Fail(f"{where}: a second recover line that does not name the rest of the tail")
                else:
                    pre_recover = (last_type, last_seq)
                recover_end = obj["torn_offset"] + obj["torn_bytes"]
            elif t == "open":
                basis = pre_recover if last_type == "recover" else (last_type, last_seq)
                want = "closed" if basis[0] == "close" else "none" if basis == ("file", 0) else "unclosed"
                if obj["previous"] != want:
                    raise Fail(f"{where}: previous {obj['previous']}, expected {want}")
                for s in streams.values():
                    s[0] = False
                in_session, session_entries = True, 0
            elif t == "close":
                if obj["entries"] != session_entries:
                    raise Fail(f"{where}: close counts {obj['entries']}, the session holds {session_entries}")
                in_session = False
            elif t == "attach":
                s = streams.get(obj["stream"])
                if s and s[0]:
                    raise Fail(f"{where}: stream attached twice")
                if "state" in obj and hashlib.sha256(base64.b64decode(obj["state"], validate=True)).hexdigest() != obj["state_sha256"]:
                    raise Fail(f"{where}: the state does not match its digest")
                streams[obj["stream"]] = [True, 0, (obj["policy_id"], obj["version"], obj["stamp"])]
            elif t == "decision":
                s = streams.get(obj["stream"])
                if not s or not s[0]:
                    raise Fail(f"{where}: decision of a stream not attached")
                if s[2] != (obj["policy_id"], obj["version"], obj["stamp"]):
                    raise Fail(f"{where}: decision of another policy than its stream's")
                if obj["decision"].get("policy_id") != obj["policy_id"]:
                    raise Fail(f"{where}: the decision names another policy id")
                if "input" in obj or "input_base64" in obj:
                    b = obj["input"].encode() if "input" in obj else base64.b64decode(obj["input_base64"], validate=True)
                    if hashlib.sha256(b).hexdigest() != obj["input_sha256"]:
                        raise Fail(f"{where}: the input does not match its digest")
                s[1] += 1
                session_entries += 1
            elif t == "detach":
                s = streams.get(obj["stream"])
                if not s or not s[0] or s[1] != obj["entries"]:
                    raise Fail(f"{where}: detach of a stream not attached, or a wrong count")
                s[0] = False
            seq, prev, last_type, last_seq, first = seq + 1, digest, t, obj["seq"], False
            pos = nl + 1
        if fi + 1 < len(files) and not rotated:
            raise Fail(f"{p}: ends without rotate, but another file follows")
        if fi + 1 == len(files) and rotated:
            # The current file (not an archived FILE.NNNNNN) ending with its rotate line:
            # a rotation stopped before its renames, which the next writer finishes.
            if re.search(r"\.[0-9]{6,}$", p):
                raise Fail(f"the log continues in file {num + 1}, which was not given")
            return f"verified {seq} lines, open: a rotation to file {num + 1} was stopped", 3
    return f"verified {seq} lines, {'closed' if last_type == 'close' else 'open'}", 0 if last_type == "close" else 3


def main():
    try:
        msg, rc = verify(sys.argv[1:])
    except (Fail, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as e:
        print(f"failed: {e}")
        return 1
    print(msg)
    return rc


if __name__ == "__main__":
    sys.exit(main())
