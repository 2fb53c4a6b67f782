// extension.js: the gov extension's client part. It starts `govc lsp` (spec/lsp.md) with
// vscode-languageclient for .gov files; the grammar, language configuration, snippets
// and the $govc problem matcher are declared in package.json and work without it.
//
// Settings (package.json contributes.configuration): gov.server.enabled,
// gov.server.path (the govc to run), gov.server.args (more arguments, e.g. --log FILE),
// gov.server.debounceMs; gov.trace.server traces the protocol in the "gov" output
// channel. Changing a gov.server setting restarts the server; so does the command
// "gov: Restart the language server".
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { serverOptions, clientOptions } = require('./server');

/** @type {LanguageClient | undefined} */
let client;

/** The gov.server settings. */
function settings() {
  const c = vscode.workspace.getConfiguration('gov.server');
  return { enabled: c.get('enabled', true), path: c.get('path'), args: c.get('args'), debounceMs: c.get('debounceMs') };
}

async function start() {
  const s = settings();
  if (!s.enabled) return;
  const exe = serverOptions(s);
  const opts = clientOptions(s);
  client = new LanguageClient('gov', 'gov language server', exe, {
    ...opts,
    // didChangeWatchedFiles: govc lsp checks every policy again when a .gov file changes
    // on disk (another file of a policy, an import).
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.gov') },
  });
  try {
    await client.start();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    client = undefined;
    vscode.window.showErrorMessage(`gov: cannot start "${exe.command} ${exe.args.join(' ')}": ${why}. ` +
      'Set gov.server.path to the govc to run.');
  }
}

async function stop() {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('gov.restartServer', async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('gov.server')) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
