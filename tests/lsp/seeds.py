"""tests/lsp/seeds.py DIR: seed inputs for fuzz_lsp (fuzz/fuzz_lsp.c): a chunking byte,
then what a client sends, framed: a whole session on an example policy, and frames with
each kind of damage the reader must answer; and, with the chunking byte's top bit set,
lines of a method byte and params for the server's handlers (fuzz_lsp.c's methods[],
on its in-memory document untitled:fz)."""
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

# Handler seeds: one line per message, the first byte indexing fuzz_lsp.c's methods[].
METHODS = ["textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/documentSymbol",
           "textDocument/completion", "textDocument/formatting", "textDocument/codeAction",
           "textDocument/prepareRename", "textDocument/rename", "textDocument/semanticTokens/full",
           "workspace/symbol", "shutdown", "textDocument/didChange", "textDocument/didOpen", "textDocument/didClose",
           "$/cancelRequest", "textDocument/didSave", "workspace/didChangeWatchedFiles", "exit"]
fz = {"uri": "untitled:fz"}


def line(method, params):
    return bytes([METHODS.index(method)]) + json.dumps(params).encode()


def at(ln, ch):
    return {"textDocument": fz, "position": {"line": ln, "character": ch}}


handlers = [
    line("textDocument/hover", at(4, 5)),
    line("textDocument/definition", at(14, 30)),
    line("textDocument/references", dict(at(4, 5), context={"includeDeclaration": True})),
    line("textDocument/documentSymbol", {"textDocument": fz}),
    line("textDocument/completion", at(15, 20)),
    line("textDocument/formatting", {"textDocument": fz, "options": {"tabSize": 2, "insertSpaces": True}}),
    line("textDocument/codeAction", {"textDocument": fz, "range": {"start": {"line": 0, "character": 0},
                                                                   "end": {"line": 30, "character": 0}}}),
    line("textDocument/prepareRename", at(4, 5)),
    line("textDocument/rename", dict(at(4, 5), newName="limit2")),
    line("textDocument/rename", dict(at(8, 3), newName="total")),
    line("textDocument/rename", dict(at(4, 5), newName="rule")),
    line("textDocument/semanticTokens/full", {"textDocument": fz}),
    line("workspace/symbol", {"query": "bu"}),
    line("$/cancelRequest", {"id": 12}),
    line("textDocument/didChange", {"textDocument": dict(fz, version=2), "contentChanges": [
        {"range": {"start": {"line": 12, "character": 11}, "end": {"line": 12, "character": 13}}, "text": "9s"}]}),
    line("textDocument/hover", at(4, 5)),
    line("textDocument/didClose", {"textDocument": fz}),
    line("textDocument/hover", at(4, 5)),
]
for k, chunk in enumerate((b"\x80", b"\x87")):
    with open(os.path.join(out, "handlers-%d" % k), "wb") as f:
        f.write(chunk + b"\n".join(handlers))
    with open(os.path.join(out, "handlers-bad-%d" % k), "wb") as f:
        f.write(chunk + b"\n".join(h[:1] + b'{"textDocument":5,"position":[],"newName":null,"query":{}}'
                                   for h in handlers))
