"""tests/lsp/run.py GOVC: `govc lsp` driven over real pipes by tests/lsp/lspclient.py.

The life-cycle (initialize, shutdown, exit and their exit statuses), JSON-RPC errors for
malformed frames and messages (the server answers and reads on; it never crashes or
hangs), diagnostics for the whole policy a file belongs to as it is edited (incremental
changes, UTF-16 positions, unsaved text in another file of the policy), hover with
types, units and a limit's value in force in every scope with where it comes from,
definitions and references (across files and into std/; gates too), symbols, completion
(the set limits and the newer syntax), formatting through govc fmt, the E050 quick fix,
workspace symbols, rename (across the files of a policy, and what it refuses),
semantic tokens and $/cancelRequest. Each case prints ok/not ok."""
import json
import os
import random
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Client, uri  # noqa: E402

GOVC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/govc")
TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MULTI = os.path.join(TOP, "tests/editors/errors/multi")
SUPPORT = os.path.join(TOP, "policies/support/support.gov")
tmp = tempfile.mkdtemp(prefix="govlsp.")
fails = 0
clients = []


def client(*args):
    c = Client(GOVC, ["--log", os.path.join(tmp, "log")] + list(args))
    clients.append(c)
    return c


def started(**kw):
    c = client()
    c.initialize(options=dict({"stdDir": os.path.join(tmp, "std"), "debounceMs": 0}, **kw))
    return c


def case(name):
    def wrap(fn):
        global fails
        try:
            fn()
            print("ok - " + name)
        except Exception:  # noqa: BLE001 - every failure is the case's
            fails += 1
            print("not ok - " + name)
            for line in traceback.format_exc().splitlines()[-12:]:
                print("# " + line)
        finally:
            while clients:
                clients.pop().kill()
        return fn
    return wrap


def pos(text, needle, nth=0, delta=0):
    """The LSP position (UTF-16) of the nth occurrence of needle, plus delta characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return {"line": line, "character": len(text[start:at].encode("utf-16-le")) // 2}


def error_of(msg, code):
    assert "error" in msg and msg["error"]["code"] == code, msg
    assert isinstance(msg["error"]["message"], str) and msg["error"]["message"], msg
    return msg


def write(rel, text):
    p = os.path.join(tmp, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    return p


# ------------------------------------------------------------------ life-cycle

@case("initialize answers the capabilities: incremental sync, hover, definition, references, symbols, "
      "completion, formatting, quick fixes, workspace symbols, rename, semantic tokens")
def _():
    c = client()
    r = c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    caps = r["result"]["capabilities"]
    assert caps["textDocumentSync"]["change"] == 2 and caps["textDocumentSync"]["openClose"], caps
    for k in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
              "documentFormattingProvider"):
        assert caps[k] is True, k
    assert caps["completionProvider"] and caps["codeActionProvider"]["codeActionKinds"] == ["quickfix"]
    assert caps["workspaceSymbolProvider"] is True and caps["renameProvider"] == {"prepareProvider": True}, caps
    assert caps["semanticTokensProvider"]["full"] is True, caps
    assert caps["positionEncoding"] == "utf-16" and r["result"]["serverInfo"]["name"] == "govc lsp"
    error_of(c.request("initialize", {"capabilities": {}}), -32600)
    assert c.close() == 0


@case("a request before initialize is refused with -32002; notifications before it are dropped")
def _():
    c = client()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(SUPPORT), "version": 1, "text": "x"}})
    error_of(c.request("textDocument/hover", {"textDocument": {"uri": uri(SUPPORT)},
                                              "position": {"line": 0, "character": 0}}), -32002)
    c.initialize()
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri(SUPPORT)}, "position": {"line": 0, "character": 0}})
    error_of(r, -32602)  # the didOpen before initialize was dropped: not open
    assert c.close() == 0


@case("shutdown then exit ends with 0; exit without shutdown with 1; the end of input with 1")
def _():
    c = started()
    # "params": null (Emacs's eglot sends it with shutdown) is no params.
    c.send({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": None})
    r = c.response(99)
    assert r["result"] is None
    error_of(c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(SUPPORT)}}), -32600)
    c.notify("exit")
    assert c.p.wait(10) == 0
    c = started()
    c.notify("exit")
    assert c.p.wait(10) == 1
    c = started()
    c.p.stdin.close()
    assert c.p.wait(10) == 1


@case("an unknown request gets -32601 with its id (a string id too); an unknown notification nothing")
def _():
    c = started()
    c.notify("workspace/somethingNew", {"x": 1})
    c.notify("$/setTrace", {"value": "off"})
    error_of(c.request("workspace/somethingNew", {}), -32601)
    c.send({"jsonrpc": "2.0", "id": "abc", "method": "no/such", "params": {}})
    m = c.wait(lambda m: m.get("id") == "abc")
    error_of(m, -32601)
    assert not [m for m in c.pending if "id" in m], c.pending
    assert c.close() == 0


# ------------------------------------------------------------------ malformed messages

def expect_parse_error(c, raw, code=-32700, ids=(None,)):
    c.send_raw(raw)
    m = c.wait(lambda m: "error" in m and m.get("id") in ids and "method" not in m)
    error_of(m, code)
    # and it reads on
    r = c.request("workspace/noSuchThing", {})
    error_of(r, -32601)
    return m


@case("a Content-Length that is not a number, missing, negative or over 65 MiB: -32700 with a null id, "
      "and the next message is read")
def _():
    c = started()
    m = expect_parse_error(c, b"Content-Length: ten\r\n\r\n{}")
    assert "Content-Length" in m["error"]["message"], m
    expect_parse_error(c, b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
    expect_parse_error(c, b"Content-Length: -5\r\n\r\n")
    expect_parse_error(c, b"Content-Length: 99999999999999999999999\r\n\r\n")
    expect_parse_error(c, b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
    expect_parse_error(c, b"Content-Length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}")
    expect_parse_error(c, b"Content-Length 2\r\n\r\n{}")
    expect_parse_error(c, b"X-" + b"a" * 5000 + b": 1\r\nContent-Length: 2\r\n\r\n{}")
    assert c.close() == 0


@case("bad JSON gets -32700; JSON that is not a request (a number, a batch, no jsonrpc, a bad id) -32600")
def _():
    c = started()

    def framed(body):
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    for body in (b"{bad}", b'{"jsonrpc":"2.0","id":1,"method":"x",}', b'{"a":"\\x"}', b'{"a":"\xff"}',
                 b'[' * 100000, b'{"jsonrpc":"2.0","id":1,"method":"x"} trailing', b"", b'"\x01"'):
        expect_parse_error(c, framed(body))
    for body in (b"42", b"[]", b'[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]', b'{"id":1,"method":"shutdown"}',
                 b'{"jsonrpc":"1.0","id":1,"method":"shutdown"}', b'{"jsonrpc":"2.0","id":{},"method":"shutdown"}',
                 b'{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}', b'{"jsonrpc":"2.0","id":1,"method":"x","params":3}'):
        # The id is echoed when it can be read (JSON-RPC 2.0, section 5), else null.
        expect_parse_error(c, framed(body), -32600, (None, 1))
    # Still alive and not shut down.
    assert c.close() == 0


@case("params of the wrong shape get -32602, and a closed or unknown document too")
def _():
    c = started()
    error_of(c.request("textDocument/hover", {"textDocument": {"uri": uri(SUPPORT)}}), -32602)
    error_of(c.request("textDocument/hover", {"textDocument": {"uri": 7}, "position": {"line": 0, "character": 0}}),
             -32602)
    error_of(c.request("textDocument/definition", {"textDocument": {"uri": uri(SUPPORT)},
                                                   "position": {"line": -1, "character": "a"}}), -32602)
    error_of(c.request("textDocument/hover", {"textDocument": {"uri": uri(SUPPORT)},
                                              "position": {"line": 0, "character": 0}}), -32602)
    error_of(c.request("textDocument/documentSymbol", []), -32602)
    # Notifications with bad params are dropped without a word, and nothing breaks.
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(SUPPORT)}, "contentChanges": 5})
    c.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
    c.notify("textDocument/didClose", None)
    assert c.close() == 0


@case("a message cut off by the end of input, and 2,000 random frames, crash nothing")
def _():
    c = started()
    c.send_raw(b'Content-Length: 100\r\n\r\n{"jsonrpc":"2.0"')
    c.p.stdin.close()
    assert c.p.wait(10) == 1
    rnd = random.Random(23)
    pieces = [b"Content-Length: ", b"\r\n", b"\r\n\r\n", b"{", b"}", b'"jsonrpc":"2.0"', b'"id":', b'"method":',
              b'"textDocument/hover"', b'"initialize"', b'"params":', b"[", b"]", b",", b":", b"1", b"-0", b"1e999",
              b'"\\u', b"D800", b"\xff", b"\x00", b"null", b"Content-Type: x\r\n", b"7", b"99"]
    c = started()
    for _ in range(2000):
        c.send_raw(b"".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))))
    # Whatever the garbage left open, a long run of newlines and a well-formed frame
    # get through once the reader finds the next header.
    c.send_raw(b"\r\n" * 4)
    i = c.request_async("no/such", {})
    c.p.stdin.flush()
    try:
        m = c.response(i, timeout=15)
        error_of(m, -32601)
    except EOFError:
        # The garbage may have held an exit; then the server must have ended cleanly.
        assert c.p.wait(10) in (0, 1)
    else:
        c.close()
    assert c.p.poll() in (0, 1)


# ------------------------------------------------------------------ diagnostics

@case("diagnostics cover the whole policy: rules.gov alone has false errors, in govc lsp it has none and "
      "the warning of limits.gov is published on limits.gov")
def _():
    c = started()
    u = c.open(os.path.join(MULTI, "rules/rules.gov"))
    assert c.diagnostics(u) == []
    d = c.diagnostics(uri(os.path.join(MULTI, "limits.gov")))
    assert [x["code"] for x in d] == ["W001"] and d[0]["range"]["start"] == {"line": 11, "character": 8}, d
    assert c.close() == 0


@case("incremental changes: an edit that loosens a limit gets E050 at the right place, in the version "
      "edited; undoing it clears it; UTF-16 positions after an astral character")
def _():
    text = open(SUPPORT, encoding="utf-8").read()
    text = text.replace("// Customer-support agents", "// \U0001F600 Customer-support agents \u00e9", 1)
    path = write("inc/support.gov", text)
    c = started()
    u = c.open(path, text)
    assert c.diagnostics(u, version=1) == []
    p = pos(text, "$0.10")
    end = dict(p, character=p["character"] + 5)
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2},
                                        "contentChanges": [{"range": {"start": p, "end": end}, "text": "$0.20"}]})
    d = c.diagnostics(u, version=2)
    assert [x["code"] for x in d] == ["E050"], d
    assert d[0]["range"]["start"] == {"line": p["line"], "character": 2}, d
    assert "loosens $0.12" in d[0]["message"], d
    rel = d[0]["relatedInformation"][0]
    assert rel["location"]["uri"] == u and rel["location"]["range"]["start"] == pos(text, "= $0.12", 0, 2), rel
    # Two changes in one notification, the second relative to the first's result.
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 3}, "contentChanges": [
        {"range": {"start": p, "end": end}, "text": "$0.1"},
        {"range": {"start": dict(p, character=p["character"] + 4), "end": dict(p, character=p["character"] + 4)},
         "text": "1"}]})
    assert c.diagnostics(u, version=3) == []
    # An edit on the line of the astral character: the smiley is two UTF-16 units.
    s = pos(text, "Customer")
    assert s["character"] == 6
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 4}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 0}, "end": s}, "text": "max x = 1 "}]})
    d = c.diagnostics(u, version=4)
    assert d and d[0]["code"] == "E013" and d[0]["range"]["start"] == {"line": 0, "character": 0}, d
    # A whole-text change (no range) replaces everything.
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 5}, "contentChanges": [{"text": text}]})
    assert c.diagnostics(u, version=5) == []
    assert c.close() == 0


@case("unsaved text in another file of the policy counts: removing a limit in limits.gov's buffer gives "
      "rules.gov E033; closing the buffer goes back to the disk")
def _():
    shutil.copytree(MULTI, os.path.join(tmp, "multi"))
    rules = os.path.join(tmp, "multi/rules/rules.gov")
    limits = os.path.join(tmp, "multi/limits.gov")
    c = started()
    ur = c.open(rules)
    assert c.diagnostics(ur) == []
    lt = open(limits, encoding="utf-8").read()
    ul = c.open(limits, lt)
    c.diagnostics(ul)
    c.notify("textDocument/didChange", {"textDocument": {"uri": ul, "version": 2}, "contentChanges": [
        {"text": lt.replace("max latency_budget = 3s\n", "")}]})
    d = c.diagnostics(ur, timeout=10)
    while not d:
        d = c.diagnostics(ur)
    codes = sorted(x["code"] for x in d)
    assert "E033" in codes or "E051" in codes, d
    c.notify("textDocument/didClose", {"textDocument": {"uri": ul}})
    d = c.diagnostics(ur)
    while d:
        d = c.diagnostics(ur)
    assert c.close() == 0


@case("a document whose file does not exist yet (a new buffer) is checked from its text")
def _():
    c = started()
    path = os.path.join(tmp, "new/unsaved.gov")
    u = c.open(path, "policy fresh\nmax a = 3\n")
    d = c.diagnostics(u)
    assert [x["code"] for x in d] == ["W002"], d
    assert c.close() == 0


@case("a document that is not a file (untitled:) is checked alone, and its diagnostics carry its own URI")
def _():
    c = started()
    u = "untitled:Untitled-1"
    c.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "gov", "version": 1,
                                                       "text": "policy fresh\nmax a = 3\n"}})
    d = c.diagnostics(u, version=1)
    assert [x["code"] for x in d] == ["W002"], d
    assert not [m for m in c.pending if m.get("method") == "textDocument/publishDiagnostics"], c.pending
    assert c.close() == 0


# ------------------------------------------------------------------ hover

@case("hover on a limit shows its type and, per scope, the value in force and where it comes from")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)
    r = c.request("textDocument/hover", {"textDocument": {"uri": u}, "position": pos(text, "latency_budget", 2, 3)})
    v = r["result"]["contents"]["value"]
    assert "max latency_budget: duration = 3s" in v, v
    rows = [ln for ln in v.splitlines() if ln.startswith("| ") and "---" not in ln][1:]
    want = [
        "| (default) | 3s | default, support.gov:24 |",
        "| tenant \"acme\" | 3s | default, support.gov:24 (inherited) |",
        "| tenant \"acme\" / project \"billing\" | 2s | project \"billing\", support.gov:33 |",
        "| tenant \"acme\" / project \"billing\" / agent \"triage-bot\" | 800ms | agent \"triage-bot\", support.gov:37 |",
        "| project \"faq\" | 3s | default, support.gov:24 (inherited) |",
    ]
    assert rows == want, rows
    assert c.close() == 0


@case("the table agrees with govc run: each row's value is the limit value of a finding for a record in "
      "that scope")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)
    r = c.request("textDocument/hover", {"textDocument": {"uri": u}, "position": pos(text, "max token_budget", 0, 6)})
    v = r["result"]["contents"]["value"]
    assert "| tenant \"acme\" / project \"billing\" / agent \"triage-bot\" | 1500 | agent \"triage-bot\"" in v, v
    assert "| project \"faq\" | 2500 | project \"faq\", support.gov:44 |" in v, v
    assert "| tenant \"acme\" | 4000 | default" in v, v
    assert c.close() == 0


@case("hover on a record field shows its type and unit, on a built-in its signature, on a channel its "
      "kind and target")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)
    v = c.request("textDocument/hover", {"textDocument": {"uri": u},
                                         "position": pos(text, "run.latency", 0, 5)})["result"]["contents"]["value"]
    assert "run.latency: duration" in v and "in `ms`" in v, v
    v = c.request("textDocument/hover", {"textDocument": {"uri": u},
                                         "position": pos(text, "notify support_alerts", 0, 9)})["result"]["contents"]["value"]
    assert 'channel support_alerts = slack "#support-alerts"' in v, v
    r = c.request("textDocument/hover", {"textDocument": {"uri": u}, "position": {"line": 1, "character": 0}})
    assert r["result"] is None, r
    assert c.close() == 0


# ------------------------------------------------------------------ navigation

@case("definition: a limit in a rule goes to its declaration, across files of a policy; a field into the "
      "std/ module, written out read-only")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)
    r = c.request("textDocument/definition", {"textDocument": {"uri": u},
                                              "position": pos(text, "> cost_cap", 0, 4)})["result"]
    assert r["uri"] == u and r["range"]["start"] == pos(text, "cost_cap"), r
    r = c.request("textDocument/definition", {"textDocument": {"uri": u},
                                              "position": pos(text, "run.latency", 0, 6)})["result"]
    assert r["uri"].startswith(uri(os.path.join(tmp, "std"))) and r["uri"].endswith("/agent_run.gov"), r
    std = r["uri"][len("file://"):]
    stext = open(std, encoding="utf-8").read()
    assert r["range"]["start"] == pos(stext, "latency"), (r, stext)
    assert not os.access(std, os.W_OK) or os.getuid() == 0
    assert oct(os.stat(std).st_mode & 0o777) == "0o444"
    rules = os.path.join(MULTI, "rules/rules.gov")
    rt = open(rules, encoding="utf-8").read()
    ur = c.open(rules)
    r = c.request("textDocument/definition", {"textDocument": {"uri": ur},
                                              "position": pos(rt, "> latency_budget", 0, 5)})["result"]
    lt = open(os.path.join(MULTI, "limits.gov"), encoding="utf-8").read()
    assert r["uri"] == uri(os.path.join(MULTI, "limits.gov")) and r["range"]["start"] == pos(lt, "latency_budget"), r
    assert c.close() == 0


@case("definition of an import opens the std module; of an escalation and a channel, their declarations")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)

    def definition(needle, d):
        return c.request("textDocument/definition", {"textDocument": {"uri": u},
                                                     "position": pos(text, needle, 0, d)})["result"]
    r = definition('import "std/agent_run"', 10)
    assert r["uri"].endswith("/agent_run.gov") and r["range"]["start"] == {"line": 0, "character": 0}, r
    r = definition("escalate oncall_chain", 10)
    assert r["uri"] == u and r["range"]["start"] == pos(text, "oncall_chain"), r
    r = definition("notify support_oncall", 8)
    assert r["uri"] == u and r["range"]["start"] == pos(text, "support_oncall"), r
    assert c.close() == 0


@case("references: every use of a limit, its declaration when asked, the overrides in scopes included")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)
    r = c.request("textDocument/references", {"textDocument": {"uri": u}, "position": pos(text, "quality_floor"),
                                              "context": {"includeDeclaration": True}})["result"]
    got = sorted((x["range"]["start"]["line"], x["range"]["start"]["character"]) for x in r)
    want = sorted((p["line"], p["character"]) for p in (pos(text, "quality_floor", k) for k in range(3)))
    assert got == want, (got, want)
    r = c.request("textDocument/references", {"textDocument": {"uri": u}, "position": pos(text, "quality_floor"),
                                              "context": {"includeDeclaration": False}})["result"]
    assert len(r) == 2, r
    assert c.close() == 0


@case("document symbols list the declarations with their kinds; completion offers a record's fields "
      "after 'run.', and limits and built-ins in an expression")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)
    syms = c.request("textDocument/documentSymbol", {"textDocument": {"uri": u}})["result"]
    names = {s["name"]: s["detail"] for s in syms}
    for n, k in (("support_alerts", "channel"), ("oncall_chain", "escalation"), ("latency_budget", "max"),
                 ("quality_floor", "min"), ('tenant "acme"', "scope"),
                 ("slow_run", "rule")):
        assert names.get(n) == k, (n, names)
    p = pos(text, "run.cost", 0, 4)
    items = c.request("textDocument/completion", {"textDocument": {"uri": u}, "position": p})["result"]["items"]
    labels = {i["label"] for i in items}
    assert {"latency", "cost", "tokens", "tenant"} <= labels and "cost_cap" not in labels, labels
    p = pos(text, "when run.cost", 0, 5)
    items = c.request("textDocument/completion", {"textDocument": {"uri": u}, "position": p})["result"]["items"]
    labels = {i["label"] for i in items}
    assert {"cost_cap", "latency_budget", "abs", "matches", "hour_of_day", "run"} <= labels, labels
    assert c.close() == 0


@case("formatting returns govc fmt's text as an edit; a file with a syntax error is refused with a message")
def _():
    c = started()
    ugly = "policy   p\nmax  a=3\nrule r { when a > 2 severity info }\n"
    path = write("fmt/p.gov", ugly)
    u = c.open(path, ugly)
    c.diagnostics(u)
    edits = c.request("textDocument/formatting", {"textDocument": {"uri": u},
                                                  "options": {"tabSize": 2, "insertSpaces": True}})["result"]
    import subprocess
    want = subprocess.run([GOVC, "fmt", path], capture_output=True, check=True).stdout.decode()
    assert len(edits) == 1 and edits[0]["newText"] == want, (edits, want)
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2},
                                        "contentChanges": [{"text": "policy p\nrule {\n"}]})
    r = c.request("textDocument/formatting", {"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": True}})
    error_of(r, -32803)
    assert c.close() == 0


@case("the E050 quick fix offers the tightest allowed value, and applying it leaves no E050")
def _():
    text = open(SUPPORT, encoding="utf-8").read().replace("latency_budget = 800ms", "latency_budget = 5s")
    path = write("fix/support.gov", text)
    c = started()
    u = c.open(path, text)
    d = c.diagnostics(u)
    assert [x["code"] for x in d] == ["E050"], d
    acts = c.request("textDocument/codeAction", {"textDocument": {"uri": u}, "range": d[0]["range"],
                                                 "context": {"diagnostics": d}})["result"]
    assert len(acts) == 1 and acts[0]["kind"] == "quickfix", acts
    (edit,) = acts[0]["edit"]["changes"][u]
    assert edit["newText"] == "2s", edit  # project "billing" sets 2s, tighter than the default 3s
    assert edit["range"]["start"] == pos(text, "5s"), edit
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2},
                                        "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]})
    assert c.diagnostics(u, version=2) == []
    assert c.close() == 0


# ------------------------------------------------------------------ gates, sets, the newer syntax

PAYMENTS = os.path.join(TOP, "policies/payments/payments.gov")
PERMS = os.path.join(TOP, "policies/agent_permissions/permissions.gov")


def words_at(text, word):
    """The LSP positions of every whole-word occurrence of word."""
    import re
    return [pos(text, word, k) for k, m in enumerate(re.finditer(re.escape(word), text))
            if (m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")) and
            (m.end() == len(text) or not (text[m.end()].isalnum() or text[m.end()] == "_"))]


def starts(locs):
    return sorted((x["range"]["start"]["line"], x["range"]["start"]["character"]) for x in locs)


@case("gates: definition from a test's expect and approve goes to the gate; references find every use; "
      "an approver group and a requester field resolve")
def _():
    c = started()
    text = open(PAYMENTS, encoding="utf-8").read()
    u = c.open(PAYMENTS)
    assert c.diagnostics(u) == []

    def definition(needle, nth=0, d=0):
        return c.request("textDocument/definition", {"textDocument": {"uri": u},
                                                     "position": pos(text, needle, nth, d)})["result"]
    for needle in ('approve payment_approval "pay-1"', "expect payment_approval fired",
                   "expect gate_approved payment_approval"):
        r = definition(needle, 0, needle.index("payment_approval") + 2)
        assert r and r["uri"] == u and r["range"]["start"] == pos(text, "gate payment_approval", 0, 5), (needle, r)
    r = definition("approvers 2 of treasurers", 0, 17)
    assert r["range"]["start"] == pos(text, "approvers treasurers =", 0, 10), r
    r = definition("requester payment.requested_by", 0, 20)
    assert r["range"]["start"] == pos(text, "requested_by: string"), r
    refs = c.request("textDocument/references", {"textDocument": {"uri": u},
                                                 "position": pos(text, "gate payment_approval", 0, 6),
                                                 "context": {"includeDeclaration": True}})["result"]
    want = sorted((p["line"], p["character"]) for p in words_at(text, "payment_approval"))
    assert starts(refs) == want and len(want) >= 6, (starts(refs), want)
    v = c.request("textDocument/hover", {"textDocument": {"uri": u},
                                         "position": pos(text, "expect dual_control fired", 0, 8)})["result"]
    assert "gate dual_control" in v["contents"]["value"], v
    assert c.close() == 0


def lexer_keywords():
    import re
    out = []
    for ln in open(os.path.join(TOP, "lang/lexer.re"), encoding="utf-8"):
        m = re.match(r'\s*"([a-z_0-9]+)"\s*\{.*KW\(T_[A-Z_0-9]+\)', ln)
        if m:
            out.append(m.group(1))
    return out


@case("completion: every keyword of lang/lexer.re (allowlist, denylist, waive, mock...); set limits after "
      "'in' and in any_in; rules after waive; gates after approve; externs after mock")
def _():
    c = started()
    text = open(PERMS, encoding="utf-8").read()
    u = c.open(PERMS)
    assert c.diagnostics(u) == []

    def labels(needle, d, nth=0):
        r = c.request("textDocument/completion", {"textDocument": {"uri": u}, "position": pos(text, needle, nth, d)})
        return {i["label"]: i.get("detail") for i in r["result"]["items"]}
    kws = lexer_keywords()
    assert "allowlist" in kws and "denylist" in kws and "waive" in kws, kws
    got = labels("rule tool_not_allowed", 0)
    assert set(kws) <= set(got), sorted(set(kws) - set(got))
    assert got["allowed_tools"] == "allowlist" and got["denied_data"] == "denylist", got
    sets = {"allowed_tools", "allowed_models", "denied_data", "reviewed_targets"}
    got = labels("not in allowed_tools", 7)
    assert set(got) == sets, got
    got = labels("any_in(tool_call.data, denied_data)", 23)
    assert set(got) == sets, got
    got = labels("waive model_not_allowed", 6)
    assert {"tool_not_allowed", "model_not_allowed", "denied_data_class"} <= set(got) and "call_review" not in got, got
    got = labels("expect tool_not_allowed fired", 7)
    assert {"tool_not_allowed", "call_review", "verdict", "not"} <= set(got), got
    pt = open(PAYMENTS, encoding="utf-8").read()
    up = c.open(PAYMENTS)
    r = c.request("textDocument/completion", {"textDocument": {"uri": up},
                                              "position": pos(pt, 'approve payment_approval "pay-1"', 0, 8)})
    assert {i["label"] for i in r["result"]["items"]} == {"payment_approval", "dual_control"}, r
    safety = os.path.join(TOP, "policies/content_safety/safety.gov")
    st = open(safety, encoding="utf-8").read()
    us = c.open(safety)
    r = c.request("textDocument/completion", {"textDocument": {"uri": us},
                                              "position": pos(st, "mock pii_score(_)", 0, 5)})
    assert {i["label"] for i in r["result"]["items"]} == {"pii_score", "on_watchlist"}, r
    assert c.close() == 0


@case("completion after 'notify': channels and channel sets (spec/language.md 4.1.2); references of a "
      "channel set include its notify")
def _():
    c = started()
    desk = os.path.join(TOP, "policies/refund_desk/refund_desk.gov")
    text = open(desk, encoding="utf-8").read()
    u = c.open(desk)
    assert c.diagnostics(u) == []
    r = c.request("textDocument/completion", {"textDocument": {"uri": u},
                                              "position": pos(text, "notify refunds_desk, large_refund_channels", 0, 7)})
    got = {i["label"]: i.get("detail") for i in r["result"]["items"]}
    assert got.get("large_refund_channels") == "channel set" and {"refunds_desk", "risk_pager", "support_leads"} <= \
        set(got) and "refund_approvers" not in got, got
    r = c.request("textDocument/references", {"textDocument": {"uri": u}, "context": {"includeDeclaration": True},
                                              "position": pos(text, "large_refund_channels", 0, 3)})
    lines = sorted(loc["range"]["start"]["line"] for loc in r["result"])
    want = sorted(text[:text.index(n)].count("\n") for n in ("min large_refund_channels", "large_refund_channels = [risk",
                                                             "large_refund_channels = [support", "notify refunds_desk, large"))
    assert lines == want, (lines, want)
    v = c.request("textDocument/hover", {"textDocument": {"uri": u},
                                         "position": pos(text, "min large_refund_channels", 0, 6)})["result"]["contents"]["value"]
    assert "min large_refund_channels = []" in v and "may only add channels" in v, v
    assert '| project "billing" | [risk_pager] |' in v, v
    assert c.close() == 0


@case("hover on a set limit: its members, and per scope the set in force and where it comes from")
def _():
    c = started()
    text = open(PERMS, encoding="utf-8").read()
    u = c.open(PERMS)
    c.diagnostics(u)

    def hover(needle, d):
        return c.request("textDocument/hover", {"textDocument": {"uri": u},
                                                "position": pos(text, needle, 0, d)})["result"]["contents"]["value"]
    v = hover("allowlist allowed_tools", 12)
    assert 'allowlist allowed_tools = ["search", "kb_lookup", "kb_*", "refund", "send_email", "run_sql"]' in v, v
    assert '| tenant "acme" / project "billing" | ["search", "kb_lookup", "refund"] | project "billing", ' \
           'permissions.gov:29 |' in v, v
    assert '| tenant "acme" / project "billing" / agent "triage-bot" | ["kb_lookup"] | agent "triage-bot"' in v, v
    v = hover("denylist denied_data", 11)
    assert 'denylist denied_data = ["secrets", "credentials"]' in v and "superset" in v, v
    assert '| tenant "acme" / project "billing" | ["secrets", "credentials", "pii"] | tenant "acme", ' \
           'permissions.gov:26 (inherited) |' in v, v
    assert "?" not in v.split("```")[-1], v
    assert c.close() == 0


# ------------------------------------------------------------------ workspace symbols

@case("workspace symbols: the declarations of every open policy, fuzzy-matched, with their policy; "
      "none from std/; a missing query is -32602")
def _():
    c = started()
    c.open(PERMS)
    c.open(SUPPORT)
    syms = c.request("workspace/symbol", {"query": "tool"})["result"]
    names = {s["name"]: s for s in syms}
    assert {"allowed_tools", "tool_not_allowed"} <= set(names), names
    assert "tool_call" not in names, names  # std/tool_call's record
    assert names["tool_not_allowed"]["kind"] == 12 and names["allowed_tools"]["kind"] == 14, names
    assert names["tool_not_allowed"]["containerName"] == "policy agent_permissions", names
    pt = open(PERMS, encoding="utf-8").read()
    assert names["tool_not_allowed"]["location"] == {"uri": uri(PERMS), "range": {
        "start": pos(pt, "tool_not_allowed"), "end": pos(pt, "tool_not_allowed", 0, len("tool_not_allowed"))}}
    syms = c.request("workspace/symbol", {"query": "SUPALRT"})["result"]
    assert [s["name"] for s in syms] == ["support_alerts"], syms
    everything = c.request("workspace/symbol", {"query": ""})["result"]
    assert {"slow_run", "call_review", "latency_budget"} <= {s["name"] for s in everything}
    assert all(not s["location"]["uri"].startswith(uri(os.path.join(tmp, "std"))) for s in everything)
    error_of(c.request("workspace/symbol", {}), -32602)
    error_of(c.request("workspace/symbol", {"query": 5}), -32602)
    error_of(c.request("workspace/symbol", []), -32602)
    assert c.close() == 0


# ------------------------------------------------------------------ rename

def apply_edits(text, edits):
    """text with LSP TextEdits (UTF-16 positions, non-overlapping) applied."""
    lines = text.split("\n")
    starts_ = [0]
    for ln in lines[:-1]:
        starts_.append(starts_[-1] + len(ln) + 1)

    def off(p):
        ln = lines[p["line"]]
        units = 0
        for i, ch in enumerate(ln):
            if units >= p["character"]:
                return starts_[p["line"]] + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return starts_[p["line"]] + len(ln)
    for e in sorted(edits, key=lambda e: off(e["range"]["start"]), reverse=True):
        a, b = off(e["range"]["start"]), off(e["range"]["end"])
        text = text[:a] + e["newText"] + text[b:]
    return text


@case("rename a limit: every use (rules, scopes, gates) is edited, the result checks clean and the "
      "references move with it; prepareRename gives the name's range")
def _():
    text = open(PERMS, encoding="utf-8").read()
    path = write("ren/permissions.gov", text)
    c = started()
    u = c.open(path, text)
    assert c.diagnostics(u) == []
    p = pos(text, "payload_bytes", 1, 3)
    r = c.request("textDocument/prepareRename", {"textDocument": {"uri": u}, "position": p})["result"]
    assert r["placeholder"] == "payload_bytes" and r["range"]["start"] == pos(text, "payload_bytes", 1), r
    ws = c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": p,
                                           "newName": "max_payload"})["result"]
    assert list(ws["changes"]) == [u], ws
    edits = ws["changes"][u]
    assert starts(edits) == sorted((q["line"], q["character"]) for q in words_at(text, "payload_bytes")), edits
    new = apply_edits(text, edits)
    assert "payload_bytes" not in new and new.count("max_payload") == 3, new
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": new}]})
    assert c.diagnostics(u, version=2) == []
    assert c.close() == 0


@case("rename across the files of a policy: a limit of limits.gov renamed from rules.gov edits both files")
def _():
    shutil.copytree(MULTI, os.path.join(tmp, "mren"))
    rules = os.path.join(tmp, "mren/rules/rules.gov")
    limits = os.path.join(tmp, "mren/limits.gov")
    rt, lt = (open(f, encoding="utf-8").read() for f in (rules, limits))
    c = started()
    ur = c.open(rules)
    assert c.diagnostics(ur) == []
    ws = c.request("textDocument/rename", {"textDocument": {"uri": ur}, "position": pos(rt, "latency_budget", 0, 2),
                                           "newName": "slow_after"})["result"]
    assert set(ws["changes"]) == {uri(rules), uri(limits)}, ws
    for f, t in ((rules, rt), (limits, lt)):
        new = apply_edits(t, ws["changes"][uri(f)])
        assert "latency_budget" not in new and "slow_after" in new, new
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(new)
    import subprocess
    r = subprocess.run([GOVC, "check", "--policy-of", rules], capture_output=True)
    assert r.returncode == 0 and b"error[" not in r.stderr, r.stderr
    assert c.close() == 0


@case("rename a record field: uses in rules, gates and tests are edited, and a field that read the JSON "
      "member of its own name gets from \"OLD\" so it still reads it")
def _():
    text = open(PAYMENTS, encoding="utf-8").read()
    path = write("fren/payments.gov", text)
    c = started()
    u = c.open(path, text)
    assert c.diagnostics(u) == []
    ws = c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": pos(text, "requested_by", 1, 1),
                                           "newName": "requester_email"})["result"]
    new = apply_edits(text, ws["changes"][u])
    assert 'requester_email: string from "requested_by"   = ""' in new, new[:900]
    assert "payment.requester_email" in new and "requester_email: \"ops@" in new, new
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": new}]})
    assert c.diagnostics(u, version=2) == []
    # A field with its own `from` keeps it: no insertion.
    ws = c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": pos(new, "amount:"),
                                           "newName": "total"})["result"]
    assert all(e["newText"] == "total" for e in ws["changes"][u]), ws
    import subprocess
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(apply_edits(new, ws["changes"][u]))
    r = subprocess.run([GOVC, "test", path], capture_output=True)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert c.close() == 0


@case("rename refuses what it cannot rename safely, saying why: std/ records and fields, built-in fields and "
      "functions, keywords, names that are taken or not names, a policy with syntax errors; bad params -32602")
def _():
    text = open(PERMS, encoding="utf-8").read()
    path = write("refuse/permissions.gov", text)
    c = started()
    u = c.open(path, text)
    assert c.diagnostics(u) == []

    def refused(needle, d, new="x2", nth=0, method="textDocument/rename"):
        params = {"textDocument": {"uri": u}, "position": pos(text, needle, nth, d)}
        if method.endswith("/rename"):
            params["newName"] = new
        return error_of(c.request(method, params), -32803)["error"]["message"]
    m = refused("tool_call.tool not", 11)
    assert "standard module std/tool_call" in m, m
    m = refused("when tool_call.tool", 7, method="textDocument/prepareRename")
    assert "standard module" in m and "tool_call" in m, m
    m = refused("tenant: \"acme\"", 2)
    assert "built-in field" in m or "standard module" in m, m
    m = refused("any_in(", 2)
    assert "built-in function" in m, m
    m = refused("rule tool_not_allowed", 0)
    assert "nothing to rename" in m, m
    m = refused("allowed_tools ", 3, new="rule")
    assert "keyword" in m, m
    m = refused("allowed_tools ", 3, new="9lives")
    assert "not a name" in m, m
    m = refused("allowed_tools ", 3, new="allowed_models")
    assert "already names the limit" in m and "permissions.gov:" in m, m
    error_of(c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": pos(text, "allowed_tools")}),
             -32602)
    error_of(c.request("textDocument/rename", {"textDocument": {"uri": u}, "newName": "a"}), -32602)
    error_of(c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": pos(text, "allowed_tools"),
                                               "newName": 7}), -32602)
    error_of(c.request("textDocument/prepareRename", {"textDocument": {"uri": 3}, "position": pos(text, "x")}), -32602)
    # Same name: no edits to make.
    ws = c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": pos(text, "allowed_tools"),
                                           "newName": "allowed_tools"})["result"]
    assert all(e["newText"] == "allowed_tools" for e in ws["changes"][u]), ws
    bad = text.replace("rule model_not_allowed {", "rule model_not_allowed {{", 1)
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": bad}]})
    assert c.diagnostics(u, version=2)
    m = error_of(c.request("textDocument/rename", {"textDocument": {"uri": u}, "position": pos(bad, "allowed_tools"),
                                                   "newName": "tools"}), -32803)["error"]["message"]
    assert "syntax errors" in m, m
    assert c.close() == 0


@case("the E055 quick fix for set limits: an allowlist loses the members a less specific setting does not "
      "allow, a denylist gains the members it stopped denying; applied, the policy checks clean")
def _():
    text = open(PERMS, encoding="utf-8").read()
    text = text.replace('allowed_tools  = ["kb_lookup"]', 'allowed_tools  = ["kb_lookup", "send_email", "kb_x"]', 1)
    text = text.replace('    payload_bytes = 16_384', '    payload_bytes = 16_384\n    denied_data = ["secrets", "other"]', 1)
    path = write("setfix/permissions.gov", text)
    c = started()
    u = c.open(path, text)
    d = c.diagnostics(u)
    assert sorted(x["code"] for x in d) == ["E055", "E055"], d
    fixes = {}
    for x in d:
        acts = c.request("textDocument/codeAction", {"textDocument": {"uri": u}, "range": x["range"],
                                                     "context": {"diagnostics": [x]}})["result"]
        assert len(acts) == 1 and acts[0]["kind"] == "quickfix", acts
        (edit,) = acts[0]["edit"]["changes"][u]
        fixes[acts[0]["title"]] = edit
    allow = [t for t in fixes if t.startswith("Remove")]
    deny = [t for t in fixes if t.startswith("Add")]
    assert len(allow) == 1 and '"send_email"' in allow[0] and "'allowed_tools'" in allow[0], fixes
    # project "billing" allows "search", "kb_lookup", "refund": no kb_* there, so kb_x goes too.
    assert fixes[allow[0]]["newText"] == '["kb_lookup"]' and '"kb_x"' in allow[0], fixes
    assert len(deny) == 1 and fixes[deny[0]]["newText"] == '["secrets", "other", "credentials", "pii"]', fixes
    new = apply_edits(text, list(fixes.values()))
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": new}]})
    assert c.diagnostics(u, version=2) == [], new
    assert c.close() == 0


@case("the E094 quick fix for channel sets (spec/language.md 4.1.2): a scope's set gains the channels it dropped; "
      "applied, the policy checks clean")
def _():
    text = open(os.path.join(TOP, "policies/refund_desk/refund_desk.gov"), encoding="utf-8").read()
    text = text.replace("scope project \"billing\" {", "scope project \"billing\" {\n  scope agent \"x\" { "
                        "large_refund_channels = [support_leads] }", 1)
    path = write("chanfix/refund_desk.gov", text)
    c = started()
    u = c.open(path, text)
    d = c.diagnostics(u)
    assert [x["code"] for x in d] == ["E094"], d
    acts = c.request("textDocument/codeAction", {"textDocument": {"uri": u}, "range": d[0]["range"],
                                                 "context": {"diagnostics": d}})["result"]
    assert len(acts) == 1 and acts[0]["title"].startswith("Add risk_pager to 'large_refund_channels'"), acts
    (edit,) = acts[0]["edit"]["changes"][u]
    assert edit["newText"] == "[support_leads, risk_pager]", edit
    new = apply_edits(text, [edit])
    c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": new}]})
    assert c.diagnostics(u, version=2) == [], new
    assert c.close() == 0


# ------------------------------------------------------------------ semantic tokens

def decode_tokens(data, legend):
    out, line, ch = [], 0, 0
    for i in range(0, len(data), 5):
        dl, dc, n, t, mods = data[i:i + 5]
        line += dl
        ch = ch + dc if dl == 0 else dc
        out.append(((line, ch), n, legend["tokenTypes"][t],
                    {m for k, m in enumerate(legend["tokenModifiers"]) if mods >> k & 1}))
    return out


@case("semantic tokens: each resolved name with what it names (a limit, a std record, a field, a built-in, a "
      "gate), declarations and std/ names marked; positions in UTF-16")
def _():
    c = client()
    r = c.initialize(options={"stdDir": os.path.join(tmp, "std"), "debounceMs": 0})
    legend = r["result"]["capabilities"]["semanticTokensProvider"]["legend"]
    assert r["result"]["capabilities"]["semanticTokensProvider"]["full"] is True
    text = open(PERMS, encoding="utf-8").read().replace("// Agent permissions", "// \U0001F600 Agent permissions")
    text = text.replace('channel security', '/* \U0001F600 */ channel security', 1)
    path = write("sem/permissions.gov", text)
    u = c.open(path, text)
    c.diagnostics(u)
    data = c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": u}})["result"]["data"]
    toks = {(p, n): (t, m) for p, n, t, m in decode_tokens(data, legend)}

    def tok(needle, nth=0, d=0, n=None):
        p = pos(text, needle, nth, d)
        n = n or len(needle) - d
        return toks.get(((p["line"], p["character"]), n))
    assert tok("allowed_tools", 0) == ("variable", {"declaration", "readonly"}), tok("allowed_tools")
    assert tok("allowed_tools", 2) == ("variable", {"readonly"}), tok("allowed_tools", 2)
    assert tok("security", 0) == ("event", {"declaration"}), tok("security")
    assert tok("tool_call.tool not", 0, 0, 9) == ("struct", {"defaultLibrary"}), tok("tool_call.tool not", 0, 0, 9)
    assert tok("tool_call.tool not", 0, 10, 4) == ("property", {"defaultLibrary"})
    assert tok("any_in", 0) == ("function", {"defaultLibrary"}), tok("any_in")
    assert tok("call_review", 0) == ("macro", {"declaration"}), tok("call_review")
    assert tok("model_not_allowed for", 0, 0, 17) == ("macro", set()), tok("model_not_allowed for", 0, 0, 17)
    assert not any(t[2] == "keyword" for t in decode_tokens(data, legend))
    error_of(c.request("textDocument/semanticTokens/full", {"textDocument": {}}), -32602)
    error_of(c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri(path + ".no")}}), -32602)
    assert c.close() == 0


# ------------------------------------------------------------------ cancellation

@case("$/cancelRequest: a request the client cancelled before it was handled gets -32800 RequestCancelled; "
      "a cancel for an answered or unknown id, or with bad params, changes nothing")
def _():
    c = started()
    text = open(SUPPORT, encoding="utf-8").read()
    u = c.open(SUPPORT)
    c.diagnostics(u)

    def frame(m):
        body = json.dumps(m).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body
    hover = {"textDocument": {"uri": u}, "position": pos(text, "cost_cap")}
    # One write, so both are waiting when the server reads the request.
    c.send_raw(frame({"jsonrpc": "2.0", "id": 501, "method": "textDocument/hover", "params": hover}) +
               frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 501}}))
    m = error_of(c.response(501), -32800)
    c.send_raw(frame({"jsonrpc": "2.0", "id": "s-1", "method": "textDocument/hover", "params": hover}) +
               frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": "s-1"}}) +
               frame({"jsonrpc": "2.0", "id": 502, "method": "textDocument/hover", "params": hover}) +
               frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 9999}}) +
               frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"nothing": 1}}) +
               frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": [1]}}))
    error_of(c.response("s-1"), -32800)
    assert "cost_cap" in c.response(502)["result"]["contents"]["value"]
    # A cancel after the answer: nothing (an id used again later is answered).
    c.notify("$/cancelRequest", {"id": 503})
    i = c.request_async("textDocument/hover", hover)
    assert "result" in c.response(i), i
    c.notify("$/cancelRequest", {"id": i})
    assert "cost_cap" in c.request("textDocument/hover", hover)["result"]["contents"]["value"]
    assert not [x for x in c.pending if "id" in x], c.pending
    assert c.close() == 0


try:
    pass
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if fails else 0)
