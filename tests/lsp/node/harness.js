// tests/lsp/node/harness.js GOVC: govc lsp driven by vscode-languageserver-protocol, the
// library VS Code's language client is built on: its framing (StreamMessageReader and
// Writer over the child's pipes), its typed requests, and its connection's checks of
// every answer: diagnostics, the quick fix, hover, definition, references, rename,
// semantic tokens, workspace symbols and cancellation. Prints "ok - NAME" / "not ok - NAME" per case; exits 1 if any failed.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const url = require('url');
const { Writable } = require('stream');
const P = require('vscode-languageserver-protocol/node');

const govc = path.resolve(process.argv[2] || 'build/govc');
const top = path.resolve(__dirname, '..', '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'govlspnode.'));
fs.cpSync(path.join(top, 'policies/support'), path.join(work, 'support'), { recursive: true });
fs.cpSync(path.join(top, 'tests/editors/errors/multi'), path.join(work, 'multi'), { recursive: true });
const uri = (p) => url.pathToFileURL(p).href;
let fails = 0;
const say = (ok, name, why) => {
  console.log((ok ? 'ok - ' : 'not ok - ') + name);
  if (!ok) { fails++; console.log('# ' + JSON.stringify(why).slice(0, 2000)); }
};
const posOf = (text, needle, delta = 0) => {
  const at = text.indexOf(needle) + delta;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
};

async function main() {
  const child = cp.spawn(govc, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  // The library writes through gate: straight to the server, or, while gate.held is
  // an array, into it (the cancellation case sends what it holds in one write).
  const gate = new Writable({
    write(chunk, enc, cb) {
      if (gate.held) { gate.held.push(Buffer.from(chunk)); cb(); } else child.stdin.write(chunk, cb);
    },
  });
  gate.held = null;
  const conn = P.createProtocolConnection(new P.StreamMessageReader(child.stdout), new P.StreamMessageWriter(gate));
  const diags = new Map();
  const waiters = [];
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    diags.set(p.uri + '@' + p.version, p.diagnostics);
    diags.set(p.uri, p.diagnostics);
    for (const w of waiters.splice(0)) w();
  });
  const waitDiag = (key, ms = 10000) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no diagnostics for ' + key)), ms);
    const check = () => { if (diags.has(key)) { clearTimeout(t); resolve(diags.get(key)); } else waiters.push(check); };
    check();
  });
  conn.listen();

  const init = await conn.sendRequest(P.InitializeRequest.type, {
    processId: process.pid, rootUri: uri(work), capabilities: {},
    initializationOptions: { stdDir: path.join(work, 'std') } });
  say(init.capabilities.textDocumentSync.change === P.TextDocumentSyncKind.Incremental &&
      init.capabilities.hoverProvider === true, 'initialize: incremental sync and hover', init);
  await conn.sendNotification(P.InitializedNotification.type, {});

  const file = path.join(work, 'support/support.gov');
  const text = fs.readFileSync(file, 'utf8');
  const u = uri(file);
  await conn.sendNotification(P.DidOpenTextDocumentNotification.type,
    { textDocument: { uri: u, languageId: 'gov', version: 1, text } });
  let d = await waitDiag(u + '@1');
  say(d.length === 0, 'a clean policy has no diagnostics', d);

  const p = posOf(text, '$0.10');
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: u, version: 2 },
    contentChanges: [{ range: { start: p, end: { line: p.line, character: p.character + 5 } }, text: '$0.20' }] });
  d = await waitDiag(u + '@2');
  say(d.length === 1 && d[0].code === 'E050' && d[0].range.start.line === p.line &&
      d[0].severity === P.DiagnosticSeverity.Error, 'an incremental change that loosens a limit gets E050', d);

  const acts = await conn.sendRequest(P.CodeActionRequest.type,
    { textDocument: { uri: u }, range: d[0].range, context: { diagnostics: d } });
  const edit = acts && acts[0] && acts[0].edit.changes[u][0];
  say(edit && edit.newText === '$0.12', 'the quick fix offers the default, the tightest allowed', acts);

  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: u, version: 3 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
  d = await waitDiag(u + '@3');
  say(d.length === 0, 'the quick fix applied clears E050', d);

  const h = await conn.sendRequest(P.HoverRequest.type,
    { textDocument: { uri: u }, position: posOf(text, 'min quality_floor', 6) });
  say(h && h.contents.kind === 'markdown' &&
      h.contents.value.includes('| tenant "acme" / project "billing" | 97% | project "billing", support.gov:34 |'),
      'hover on a limit: the value in force per scope, from where', h);

  const def = await conn.sendRequest(P.DefinitionRequest.type,
    { textDocument: { uri: u }, position: posOf(text, '> latency_budget', 3) });
  say(def && def.uri === u && def.range.start.line === posOf(text, 'latency_budget').line,
      'definition of a limit used in a rule', def);

  const refs = await conn.sendRequest(P.ReferencesRequest.type,
    { textDocument: { uri: u }, position: posOf(text, 'support_oncall', 2), context: { includeDeclaration: false } });
  say(Array.isArray(refs) && refs.length >= 3 && refs.every((r) => r.uri === u), 'references of a channel', refs);

  // A server error surfaces as a ResponseError in the client library.
  let err = null;
  try {
    await conn.sendRequest('gov/noSuchMethod', {});
  } catch (e) { err = e; }
  say(err instanceof P.ResponseError && err.code === P.ErrorCodes.MethodNotFound, 'an unknown method: MethodNotFound', err);

  // The other policy's file: no false errors, the sibling's warning.
  const rules = path.join(work, 'multi/rules/rules.gov');
  await conn.sendNotification(P.DidOpenTextDocumentNotification.type,
    { textDocument: { uri: uri(rules), languageId: 'gov', version: 1, text: fs.readFileSync(rules, 'utf8') } });
  const dr = await waitDiag(uri(rules) + '@1');
  const dl = await waitDiag(uri(path.join(work, 'multi/limits.gov')));
  say(dr.length === 0 && dl.length === 1 && dl[0].code === 'W001', 'a multi-file policy: no false errors', { dr, dl });

  // Rename, as VS Code asks for it: prepareRename, then rename; the edit covers every
  // use of the limit in the file.
  const ren = posOf(text, 'max cost_cap', 5);
  const prep = await conn.sendRequest(P.PrepareRenameRequest.type, { textDocument: { uri: u }, position: ren });
  const ws = await conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: u }, position: ren, newName: 'cost_ceiling' });
  const uses = text.split(/\bcost_cap\b/).length - 1;
  say(prep && prep.placeholder === 'cost_cap' && ws && ws.changes[u].length === uses && uses > 2 &&
      ws.changes[u].every((e) => e.newText === 'cost_ceiling'), 'prepareRename and rename of a limit', { prep, ws });
  err = null;
  try {
    await conn.sendRequest(P.RenameRequest.type, { textDocument: { uri: u }, position: ren, newName: 'rule' });
  } catch (e) { err = e; }
  say(err instanceof P.ResponseError && err.code === -32803 && /keyword/.test(err.message),
      'rename to a keyword is refused with a message', err);

  // Semantic tokens, decoded with the legend the server announced.
  const legend = init.capabilities.semanticTokensProvider.legend;
  const st = await conn.sendRequest(P.SemanticTokensRequest.type, { textDocument: { uri: u } });
  const toks = [];
  for (let i = 0, line = 0, ch = 0; i < st.data.length; i += 5) {
    line += st.data[i];
    ch = st.data[i] === 0 ? ch + st.data[i + 1] : st.data[i + 1];
    toks.push({ line, ch, len: st.data[i + 2], type: legend.tokenTypes[st.data[i + 3]], mods: st.data[i + 4] });
  }
  const cc = posOf(text, 'max cost_cap', 4);
  const t = toks.find((k) => k.line === cc.line && k.ch === cc.character);
  say(t && t.type === 'variable' && t.len === 8 && (t.mods & 1), 'semantic tokens: a limit\'s declaration', { t, n: toks.length });

  const sym = await conn.sendRequest(P.WorkspaceSymbolRequest.type, { query: 'cost' });
  say(Array.isArray(sym) && sym.some((x) => x.name === 'cost_cap' && x.location.uri === u),
      'workspace symbols find a limit', sym);

  // Cancellation through the library's CancellationToken. The hover and the
  // $/cancelRequest the token sends are held back and written to the server in one
  // write, so both are waiting when it reads the hover (the library, not the test,
  // frames and sends them).
  gate.held = [];
  const cts = new P.CancellationTokenSource();
  const hov = conn.sendRequest(P.HoverRequest.type, { textDocument: { uri: u }, position: posOf(text, 'min quality_floor', 6) },
    cts.token);
  cts.cancel();
  for (let k = 0; k < 200 && gate.held.length < 4; k++) await new Promise((r) => setImmediate(r));
  const both = Buffer.concat(gate.held);
  gate.held = null;
  child.stdin.write(both);
  err = null;
  try { await hov; } catch (e) { err = e; }
  say(err instanceof P.ResponseError && err.code === P.LSPErrorCodes.RequestCancelled && /cancelRequest/.test(both),
      'a request cancelled with a CancellationToken gets RequestCancelled', { err, sent: both.toString() });

  await conn.sendRequest(P.ShutdownRequest.type);
  await conn.sendNotification(P.ExitNotification.type);
  const code = await exited;
  say(code === 0, 'shutdown and exit: status 0', code);
  conn.dispose();
}

main().catch((e) => { say(false, 'the session', String(e && e.stack || e)); })
  .finally(() => { fs.rmSync(work, { recursive: true, force: true }); process.exit(fails ? 1 : 0); });
