"""tests/lsp/seeds.py DIR: seed inputs for fuzz_lsp (fuzz/fuzz_lsp.c): a chunking byte,
then what a client sends, framed: a whole session on an example policy, and frames with
each kind of damage the reader must answer."""
import json
import os
import sys

out = sys.argv[1]
top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def frame(m):
    b = m if isinstance(m, bytes) else json.dumps(m).encode()
    return b"Content-Length: %d\r\n\r\n" % len(b) + b


text = open(os.path.join(top, "policies/support/support.gov"), encoding="utf-8").read()
u = "file:///w/support.gov"
session = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {
        "general": {"positionEncodings": ["utf-8", "utf-16"]}}}},
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": u, "languageId": "gov", "version": 1, "text": text}}},
    {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": u, "version": 2},
     "contentChanges": [{"range": {"start": {"line": 29, "character": 13}, "end": {"line": 29, "character": 18}},
                         "text": "$0.20 \u00e9\U0001F600"}]}},
    {"jsonrpc": "2.0", "id": "h", "method": "textDocument/hover", "params": {
        "textDocument": {"uri": u}, "position": {"line": 23, "character": 6}}},
    {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
    {"jsonrpc": "2.0", "method": "exit"},
]
seeds = {
    "session": b"".join(frame(m) for m in session),
    "bad-length": b"Content-Length: ten\r\n\r\n{}" + frame(session[0]),
    "no-length": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}\r\n" + frame(session[-1]),
    "bad-json": frame(b'{"jsonrpc":"2.0","id":1,"method":"x",}') + frame(b'{"a":"\\ud800\\u0000\\u00e9"}'),
    "numbers": frame(b'[0,-0,1e5,-1.5E-3,123456789012345678901234567890,{"k":[true,false,null]}]'),
    "deep": frame(b"[" * 70 + b"]" * 70),
    "lf-only": b"Content-Length: 2\n\n{}",
}
for name, body in seeds.items():
    for k, chunk in enumerate((b"\x00", b"\x07")):
        with open(os.path.join(out, "%s-%d" % (name, k)), "wb") as f:
            f.write(chunk + body)
