// check.js: the parts of the VS Code extension that vscode-tmgrammar-test does not cover.
//
//   node tests/editors/vscode/check.js TMPDIR [GOVC]
//
// Run from the top of the tree; prints "ok - NAME" / "not ok - NAME" lines (details on
// "#" lines), and "skip - NAME: reason" for the case that needs GOVC when there is none.
// It checks the manifest's contributions, the $govc problem matcher against govc's
// diagnostic format, the snippets (tokenized in VS Code's own TextMate engine and, with
// GOVC, checked by govc), the indentation rules of language-configuration.json against
// tests/editors/indent/good.gov, that the policies in $GOV_POLICIES (policies/ and
// stdlib/) have no invalid tokens, and the .vsix that pack.sh builds.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const top = process.cwd();
const ext = path.join(top, 'editors/vscode');
const tmp = process.argv[2];
const govc = process.argv[3] || '';
const nm = path.join(ext, 'node_modules');
const vt = require(path.join(nm, 'vscode-textmate'));
const oniguruma = require(path.join(nm, 'vscode-oniguruma'));

let failed = 0;
async function test(name, fn) {
  let errors;
  try {
    errors = await fn();
  } catch (e) {
    errors = [`exception: ${e.stack || e}`];
  }
  if (errors === null) return; // skipped, already reported
  if (errors.length === 0) {
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    for (const e of errors) for (const l of String(e).split('\n')) console.log(`# ${l}`);
  }
}

const readJSON = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const pkg = readJSON(path.join(ext, 'package.json'));

// The grammar in VS Code's engine (vscode-textmate with the oniguruma WASM build).
async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(nm, 'vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vt.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const g = pkg.contributes.grammars.find((x) => x.scopeName === scope);
      if (!g) return null;
      const file = path.join(ext, g.path);
      return vt.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  return registry.loadGrammar('source.gov');
}

function tokenize(grammar, text) {
  let stack = vt.INITIAL;
  const out = [];
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    for (const t of r.tokens) {
      out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
  });
  return out;
}

// A snippet's body with every placeholder replaced by its default (the first choice);
// throws if anything else but $0 is left.
function expandSnippet(body) {
  // An escaped \$ is a literal dollar: park it while placeholders are expanded.
  let s = body.join('\n').replace(/\\\$/g, '\u0000');
  for (let i = 0; i < 5; i++) {
    s = s.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1');
  }
  s = s.replace(/\$0/g, '');
  if (/\$/.test(s)) throw new Error(`placeholder left in ${JSON.stringify(s)}`);
  return s.replace(/\u0000/g, '$');
}

async function main() {
  await test('manifest: language, grammar, configuration, snippets and matcher files exist', () => {
    const errors = [];
    const c = pkg.contributes || {};
    const lang = (c.languages || []).find((l) => l.id === 'gov');
    if (!lang) return ['no language "gov"'];
    if (!(lang.extensions || []).includes('.gov')) errors.push('language gov does not claim .gov');
    for (const [what, rel] of [
      ['configuration', lang.configuration],
      ...(c.grammars || []).map((g) => ['grammar', g.path]),
      ...(c.snippets || []).map((s) => ['snippets', s.path]),
    ]) {
      if (!rel || !fs.existsSync(path.join(ext, rel))) errors.push(`${what} file ${rel} is missing`);
      else readJSON(path.join(ext, rel));
    }
    const g = (c.grammars || []).find((x) => x.language === 'gov');
    if (!g) errors.push('no grammar for gov');
    else if (readJSON(path.join(ext, g.path)).scopeName !== g.scopeName)
      errors.push('grammar scopeName differs from package.json');
    if (!(c.problemMatchers || []).some((m) => m.name === 'govc')) errors.push('no problem matcher "govc"');
    if (!pkg.engines || !pkg.engines.vscode) errors.push('no engines.vscode');
    return errors;
  });

  await test('problem matcher: $govc reads govc check diagnostics and skips excerpts', () => {
    const m = pkg.contributes.problemMatchers.find((x) => x.name === 'govc');
    const p = m.pattern;
    const re = new RegExp(p.regexp);
    const output = [
      "policies/x.gov:14:3: error[E050]: 'latency_budget' = 5s loosens 2s",
      '   14 |   latency_budget = 5s',
      '      |   ^~~~~~~~~~~~~~~~~~~',
      'policies/x.gov:9:3: note: project "support" sets it here',
      'policies/y.gov:1:8: warning[W001]: unused limit',
      'govc: error[E031]: cannot read policies/missing.gov',
    ];
    const want = [
      ['policies/x.gov', '14', '3', 'error', 'E050', "'latency_budget' = 5s loosens 2s"],
      null,
      null,
      ['policies/x.gov', '9', '3', 'note', undefined, 'project "support" sets it here'],
      ['policies/y.gov', '1', '8', 'warning', 'W001', 'unused limit'],
      null,
    ];
    const errors = [];
    output.forEach((line, i) => {
      const g = re.exec(line);
      const got = g && [g[p.file], g[p.line], g[p.column], g[p.severity], g[p.code], g[p.message]];
      if (JSON.stringify(got) !== JSON.stringify(want[i]))
        errors.push(`${JSON.stringify(line)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want[i])}`);
    });
    if (!m.owner || !m.fileLocation) errors.push('matcher needs owner and fileLocation');
    return errors;
  });

  const grammar = await loadGrammar();
  const snippets = readJSON(path.join(ext, 'snippets/gov.json'));
  const wanted = ['rule', 'window', 'drift', 'gate', 'escalation', 'scope'];

  await test('snippets: rule, window, drift, gate, escalation and scope expand to clean gov', () => {
    const errors = [];
    for (const w of wanted) {
      const s = Object.values(snippets).find((x) => x.prefix === w);
      if (!s) {
        errors.push(`no snippet with prefix ${w}`);
        continue;
      }
      const text = expandSnippet(s.body);
      const toks = tokenize(grammar, text);
      const first = toks.find((t) => t.text.trim() !== '');
      if (!first || first.text !== w || !first.scopes.includes('keyword.control.gov'))
        errors.push(`${w}: does not start with the keyword ${w}`);
      if (!toks.some((t) => t.scopes.includes('entity.name.function.gov')) && w !== 'scope')
        errors.push(`${w}: declares no name`);
      for (const t of toks) {
        if (t.scopes.some((s) => s.startsWith('invalid.')))
          errors.push(`${w}: line ${t.line}: ${JSON.stringify(t.text)} is ${t.scopes.join(' ')}`);
      }
    }
    return errors;
  });

  if (govc) {
    await test('snippets: govc check accepts every snippet, expanded, without errors', () => {
      const prelude = [
        'policy snippets',
        'record run {',
        '  latency: duration from "latency_ms" in ms',
        '  tokens: int',
        '  error: bool',
        '  action: string',
        '  amount: money',
        '}',
        'channel ops = slack "#ops"',
        'max latency_budget = 3s',
        '',
      ].join('\n');
      // All snippets in one policy (they refer to one another's default names), but the
      // record snippet alone, since its default name is the prelude's record.
      const all = Object.values(snippets);
      const files = {
        'snippets.gov': prelude + all.filter((s) => s.prefix !== 'record').map((s) => expandSnippet(s.body)).join('\n\n'),
        'record.gov': 'policy record_snippet\n' + expandSnippet(snippets.record.body),
      };
      const errors = [];
      for (const [name, text] of Object.entries(files)) {
        const file = path.join(tmp, name);
        fs.writeFileSync(file, text + '\n');
        try {
          execFileSync(govc, ['check', file], { encoding: 'utf8', stdio: 'pipe' });
        } catch (e) {
          errors.push(`govc check ${name} failed (exit ${e.status}):`, String(e.stdout) + String(e.stderr), text);
        }
      }
      return errors;
    });
  } else {
    console.log('skip - snippets: govc check accepts every snippet, expanded, without errors: needs build/govc (run make first)');
  }

  if (govc) {
    // The task editors/README.md tells users to add to .vscode/tasks.json, run on one file
    // of a policy split over two (tests/editors/errors/multi), its output read by the
    // $govc problem matcher: the whole policy is checked, so the only problem is the
    // warning of the other file.
    await test('task: the README\'s govc check task on one file checks the whole policy', () => {
      const readme = fs.readFileSync(path.join(top, 'editors/README.md'), 'utf8');
      const block = /```json\n(\{[^`]*"tasks"[^`]*\})\n```/.exec(readme);
      if (!block) return ['no ```json block with "tasks" in editors/README.md'];
      const task = JSON.parse(block[1]).tasks.find((t) => t.problemMatcher === '$govc');
      if (!task) return ['no task with "problemMatcher": "$govc"'];
      const file = path.join(top, 'tests/editors/errors/multi/rules/rules.gov');
      const cmd = task.command.replace(/\$\{file\}/g, `'${file}'`);
      const bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'govc'), `#!/bin/sh\nexec '${govc}' "$@"\n`, { mode: 0o755 });
      let out;
      try {
        out = execFileSync('sh', ['-c', `${cmd} 2>&1`], {
          encoding: 'utf8', cwd: top, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        });
      } catch (e) {
        out = String(e.stdout);
      }
      const m = pkg.contributes.problemMatchers.find((x) => x.name === 'govc');
      const re = new RegExp(m.pattern.regexp);
      const problems = out.split('\n').map((l) => re.exec(l)).filter((g) => g)
        .map((g) => `${path.basename(g[m.pattern.file])}:${g[m.pattern.line]}:${g[m.pattern.column]}:${g[m.pattern.severity]}`);
      const want = ['limits.gov:12:9:warning'];
      return JSON.stringify(problems) === JSON.stringify(want) ? [] : [`command ${cmd}`, `problems ${JSON.stringify(problems)}, want ${JSON.stringify(want)}`, out];
    });
  } else {
    console.log('skip - task: the README\'s govc check task on one file checks the whole policy: needs build/govc (run make first)');
  }

  await test('real policies: nothing in policies/ or stdlib/ is scoped invalid', () => {
    const files = (process.env.GOV_POLICIES || '').split('\n').filter((x) => x);
    if (files.length === 0) return ['no policies in $GOV_POLICIES'];
    const errors = [];
    for (const f of files) {
      for (const t of tokenize(grammar, fs.readFileSync(f, 'utf8'))) {
        if (t.scopes.some((s) => s.startsWith('invalid.')))
          errors.push(`${f}:${t.line}: ${JSON.stringify(t.text)} is ${t.scopes.join(' ')}`);
      }
    }
    return errors;
  });

  // govc fmt, Vim and Emacs indent by 2 spaces; VS Code's default is 4. The extension
  // sets the editor's defaults for the gov language, which VS Code applies to .gov files.
  await test('indentation: the extension makes .gov files indent by 2 spaces, as govc fmt', () => {
    const d = (pkg.contributes.configurationDefaults || {})['[gov]'] || {};
    const errors = [];
    if (d['editor.tabSize'] !== 2) errors.push(`[gov] editor.tabSize is ${d['editor.tabSize']}, want 2`);
    if (d['editor.insertSpaces'] !== true) errors.push(`[gov] editor.insertSpaces is ${d['editor.insertSpaces']}, want true`);
    if (d['editor.detectIndentation'] !== false)
      errors.push(`[gov] editor.detectIndentation is ${d['editor.detectIndentation']}, want false (a file indented by 4 would keep 4)`);
    return errors;
  });

  await test('language configuration: comments, brackets, pairs and indentation rules', () => {
    const c = readJSON(path.join(ext, 'language-configuration.json'));
    const errors = [];
    if (c.comments.lineComment !== '//') errors.push('lineComment is not //');
    if (JSON.stringify(c.comments.blockComment) !== '["/*","*/"]') errors.push('blockComment is not /* */');
    for (const pair of ['{}', '[]', '()']) {
      if (!c.brackets.some((b) => b[0] + b[1] === pair)) errors.push(`bracket pair ${pair} missing`);
      if (!c.autoClosingPairs.some((b) => b.open + b.close === pair)) errors.push(`auto-closing ${pair} missing`);
    }
    if (!c.autoClosingPairs.some((b) => b.open === '"' && b.close === '"')) errors.push('auto-closing "" missing');
    // VS Code indents the line after one matching increaseIndentPattern and outdents one
    // matching decreaseIndentPattern. Over good.gov's code lines: the first must match
    // exactly the lines whose code ends with an open bracket, the second exactly those
    // that start with a closing one.
    const inc = new RegExp(c.indentationRules.increaseIndentPattern);
    const dec = new RegExp(c.indentationRules.decreaseIndentPattern);
    const lines = fs.readFileSync(path.join(top, 'tests/editors/indent/good.gov'), 'utf8').split('\n');
    let inComment = false;
    lines.forEach((l, i) => {
      const code = l.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\*.*?\*\//g, ' ');
      const wasInComment = inComment;
      if (inComment) inComment = !/\*\//.test(code);
      else if (/\/\*/.test(code.replace(/\/\/.*$/, ''))) inComment = true;
      if (wasInComment || inComment || l.trim() === '') return;
      const opens = /[{[(]\s*$/.test(code.replace(/\/\/.*$/, ''));
      if (inc.test(l) !== opens)
        errors.push(`line ${i + 1} ${JSON.stringify(l)}: increaseIndentPattern ${inc.test(l) ? 'matches' : 'misses'}`);
      const closer = /^\s*[}\])]/.test(l);
      if (dec.test(l) !== closer)
        errors.push(`line ${i + 1} ${JSON.stringify(l)}: decreaseIndentPattern ${dec.test(l) ? 'matches' : 'misses'}`);
    });
    return errors;
  });

  await test('pack.sh: the .vsix holds the manifest, every contributed file, the client and its runtime packages, ' +
             'nothing else; unpacked, its client resolves vscode-languageclient', () => {
    const vsix = path.join(tmp, 'gov.vsix');
    execFileSync('sh', [path.join(ext, 'pack.sh'), vsix], { stdio: 'pipe' });
    const list = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter((x) => x && !x.endsWith('/'));
    const errors = [];
    const need = ['[Content_Types].xml', 'extension.vsixmanifest', 'extension/package.json', 'extension/README.md'];
    const c = pkg.contributes;
    for (const rel of [c.languages[0].configuration, ...c.grammars.map((g) => g.path), ...c.snippets.map((s) => s.path)])
      need.push(path.posix.join('extension', rel));
    need.push(path.posix.join('extension', pkg.main), 'extension/server.js');
    for (const n of need) if (!list.includes(n)) errors.push(`missing ${n}`);
    // node_modules: exactly the packages package-lock.json does not mark dev.
    const lock = readJSON(path.join(ext, 'package-lock.json'));
    const prod = Object.entries(lock.packages).filter(([k, v]) => k && !v.dev).map(([k]) => k);
    if (!prod.includes('node_modules/vscode-languageclient')) errors.push('vscode-languageclient is not a runtime package');
    for (const p of prod) if (!list.includes(`extension/${p}/package.json`)) errors.push(`missing ${p}`);
    for (const n of list) {
      if (need.includes(n)) continue;
      if (!n.startsWith('extension/node_modules/') || !prod.some((p) => n.startsWith(`extension/${p}/`)))
        errors.push(`unexpected ${n}`);
    }
    const un = path.join(tmp, 'vsix');
    fs.mkdirSync(un, { recursive: true });
    execFileSync('unzip', ['-q', '-o', vsix, '-d', un]);
    try {
      require.resolve('vscode-languageclient/node', { paths: [path.join(un, 'extension')] });
      const so = require(path.join(un, 'extension/server.js')).serverOptions({});
      if (so.command !== 'govc' || so.args[0] !== 'lsp') errors.push(`server.js from the .vsix: ${JSON.stringify(so)}`);
    } catch (e) {
      errors.push(`unpacked: ${e.message}`);
    }
    const manifest = execFileSync('unzip', ['-p', vsix, 'extension.vsixmanifest'], { encoding: 'utf8' });
    const id = /<Identity [^>]*Id="([^"]*)" Version="([^"]*)" Publisher="([^"]*)"/.exec(manifest);
    if (!id || id[1] !== pkg.name || id[2] !== pkg.version || id[3] !== pkg.publisher)
      errors.push(`manifest identity ${id && id.slice(1).join(' ')} is not ${pkg.name} ${pkg.version} ${pkg.publisher}`);
    if (!manifest.includes(`Value="${pkg.engines.vscode}"`)) errors.push('manifest lacks the engine version');
    const inner = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }));
    if (JSON.stringify(inner) !== JSON.stringify(pkg)) errors.push('packed package.json differs');
    return errors;
  });

  process.exit(failed ? 1 : 0);
}

main();
