// client.js: the VS Code extension's client part (editors/vscode/extension.js), as far
// as it can be exercised without VS Code, which neither Debian nor npm ships.
//
//   node tests/editors/vscode/client.js GOVC TMPDIR
//
// Prints "ok - NAME" / "not ok - NAME". What runs for real:
//   - tsc --strict type-checks extension.js and server.js against @types/vscode (the
//     API of the engine package.json asks for) and vscode-languageclient's own typings;
//   - the manifest: main, activation, the gov.server settings and their defaults;
//   - the server launch: server.js's serverOptions() (what extension.js hands to
//     LanguageClient) for gov.server.path = GOVC and gov.server.args, spawned the way
//     vscode-languageclient 9.0.1 spawns an Executable without a transport
//     (lib/node/main.js: cp.spawn(command, args, {...options, cwd: the workspace
//     folder})), and driven through the same StreamMessageReader/Writer and connection
//     of the vscode-languageserver-protocol copy that vscode-languageclient loads.
// What does not run: VS Code itself, extension.js's activate() (it needs the `vscode`
// module only VS Code provides), and LanguageClient's feature registration (which
// capabilities it sends, how it maps answers into the editor).
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const url = require('url');

const top = process.cwd();
const ext = path.join(top, 'editors/vscode');
const govc = path.resolve(process.argv[2] || 'build/govc');
const tmp = process.argv[3];
const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
let fails = 0;
const say = (ok, name, why) => {
  console.log((ok ? 'ok - ' : 'not ok - ') + name);
  if (!ok) { fails++; for (const l of String(JSON.stringify(why, null, 1)).slice(0, 3000).split('\n')) console.log('# ' + l); }
};

// The copy of the protocol library vscode-languageclient itself requires.
const clientDir = path.dirname(require.resolve('vscode-languageclient/package.json', { paths: [ext] }));
const P = require(require.resolve('vscode-languageserver-protocol/node', { paths: [clientDir] }));
const { serverOptions, clientOptions, LANGUAGE_ID } = require(path.join(ext, 'server.js'));

async function main() {
  // 1. Type-check.
  const tsc = cp.spawnSync(process.execPath, [path.join(ext, 'node_modules/typescript/bin/tsc'), '-p', ext],
    { encoding: 'utf8' });
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ext, 'tsconfig.json'), 'utf8')).compilerOptions;
  say(tsc.status === 0 && tsconfig.strict === true && tsconfig.checkJs === true,
    'extension.js and server.js type-check with tsc --strict against @types/vscode and vscode-languageclient',
    tsc.stdout + tsc.stderr);

  // 2. The manifest.
  const props = pkg.contributes.configuration.properties;
  const defaults = { path: props['gov.server.path'].default, args: props['gov.server.args'].default,
    debounceMs: props['gov.server.debounceMs'].default };
  const dflt = serverOptions(defaults);
  const lang = pkg.contributes.languages.find((l) => l.id === LANGUAGE_ID);
  say(pkg.main === './extension.js' && fs.existsSync(path.join(ext, pkg.main)) &&
      pkg.activationEvents.includes('onLanguage:' + LANGUAGE_ID) && lang &&
      pkg.dependencies['vscode-languageclient'] === require(path.join(clientDir, 'package.json')).version &&
      dflt.command === 'govc' && JSON.stringify(dflt.args) === '["lsp"]' && props['gov.server.enabled'].default === true &&
      pkg.contributes.commands.some((c) => c.command === 'gov.restartServer') && props['gov.trace.server'],
    'manifest: main, activation on the gov language, gov.server settings (default: govc lsp), restart command',
    { main: pkg.main, activationEvents: pkg.activationEvents, dflt });

  // 3. The launch the extension configures, with gov.server.path and gov.server.args set.
  const log = path.join(tmp, 'govc-lsp.log');
  const settings = { path: govc, args: ['--log', log], debounceMs: 0 };
  const exe = serverOptions(settings);
  const copts = clientOptions(settings);
  const work = path.join(tmp, 'ws');
  fs.cpSync(path.join(top, 'policies/support'), path.join(work, 'support'), { recursive: true });
  const options = Object.assign({}, exe.options);
  options.cwd = options.cwd || work;   // the workspace folder, as _getServerWorkingDir
  const child = cp.spawn(exe.command, exe.args.slice(0), options);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const conn = P.createProtocolConnection(new P.StreamMessageReader(child.stdout), new P.StreamMessageWriter(child.stdin));
  const diags = new Map();
  const waiters = [];
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    diags.set(p.uri + '@' + p.version, p.diagnostics);
    for (const w of waiters.splice(0)) w();
  });
  const waitDiag = (key) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no diagnostics for ' + key)), 10000);
    const check = () => { if (diags.has(key)) { clearTimeout(t); resolve(diags.get(key)); } else waiters.push(check); };
    check();
  });
  conn.listen();
  const init = await conn.sendRequest(P.InitializeRequest.type, {
    processId: process.pid, rootUri: url.pathToFileURL(work).href, capabilities: {},
    initializationOptions: copts.initializationOptions,
    workspaceFolders: [{ uri: url.pathToFileURL(work).href, name: 'ws' }] });
  await conn.sendNotification(P.InitializedNotification.type, {});
  const file = path.join(work, 'support/support.gov');
  const text = fs.readFileSync(file, 'utf8');
  const u = url.pathToFileURL(file).href;
  const sel = copts.documentSelector.find((s) => s.scheme === 'file');
  await conn.sendNotification(P.DidOpenTextDocumentNotification.type,
    { textDocument: { uri: u, languageId: sel.language, version: 1, text } });
  const at = text.indexOf('$0.10');
  const line = text.slice(0, at).split('\n').length - 1;
  const ch = at - (text.lastIndexOf('\n', at) + 1);
  await waitDiag(u + '@1');
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: u, version: 2 },
    contentChanges: [{ range: { start: { line, character: ch }, end: { line, character: ch + 5 } }, text: '$0.20' }] });
  const d = await waitDiag(u + '@2');
  const ren = await conn.sendRequest(P.RenameRequest.type,
    { textDocument: { uri: u }, position: { line, character: 3 }, newName: 'cost_ceiling' });
  await conn.sendRequest(P.ShutdownRequest.type);
  await conn.sendNotification(P.ExitNotification.type);
  const code = await exited;
  conn.dispose();
  say(init.serverInfo.name === 'govc lsp' && init.capabilities.renameProvider && d.length === 1 && d[0].code === 'E050' &&
      ren && Object.keys(ren.changes).length === 1 && code === 0 && fs.readFileSync(log, 'utf8').includes('check '),
    'the launch the extension configures (gov.server.path, gov.server.args) runs govc lsp; vscode-languageclient\'s ' +
    'protocol layer gets diagnostics, a rename and a clean exit', { init: init.serverInfo, d, ren, code });
}

main().catch((e) => say(false, 'the client session', String(e && e.stack || e)))
  .finally(() => process.exit(fails ? 1 : 0));
