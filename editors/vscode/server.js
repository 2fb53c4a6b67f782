// server.js: how the extension starts `govc lsp`, with nothing from VS Code in it, so
// tests/editors/vscode/client.js can start the server exactly as the extension does.
//
// serverOptions(settings) is the vscode-languageclient Executable the extension hands
// to LanguageClient: the command (gov.server.path, default "govc" on PATH), its
// arguments ("lsp" and gov.server.args) and no transport (vscode-languageclient then
// talks over the child's stdin and stdout, the only transport govc lsp has).
// clientOptions(settings) is the part of LanguageClientOptions that is plain data.
'use strict';

/**
 * @typedef {{ path?: unknown, args?: unknown, debounceMs?: unknown }} ServerSettings
 * @typedef {{ command: string, args: string[], options: { env?: { [k: string]: string | undefined } } }} Executable
 */

/** The language id of package.json's contributes.languages. */
const LANGUAGE_ID = 'gov';

/**
 * @param {ServerSettings} s the gov.server settings
 * @returns {Executable}
 */
function serverOptions(s) {
  const path = typeof s.path === 'string' && s.path.trim() !== '' ? s.path.trim() : 'govc';
  const extra = Array.isArray(s.args) ? s.args.filter((a) => typeof a === 'string') : [];
  return { command: path, args: ['lsp', ...extra], options: {} };
}

/**
 * @param {ServerSettings} s the gov.server settings
 */
function clientOptions(s) {
  const ms = typeof s.debounceMs === 'number' && Number.isInteger(s.debounceMs) && s.debounceMs >= 0 &&
    s.debounceMs <= 10000 ? s.debounceMs : 0;
  return {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    initializationOptions: { debounceMs: ms },
  };
}

module.exports = { LANGUAGE_ID, serverOptions, clientOptions };
