#!/usr/bin/env node
// validate.js FILE...: each FILE must be a SARIF 2.1.0 log valid against the OASIS
// SARIF 2.1.0 JSON schema (the copy @microsoft/jest-sarif ships, a draft-04 schema),
// with ajv's full format checks, so a file URI that is not a URI reference fails.
// Prints "ok FILE" or the schema's complaints, and exits 1 if any file is invalid.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const schemaFile = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
                             'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv({ schemaId: 'auto', format: 'full', allErrors: true, validateSchema: false });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
const validate = ajv.compile(schema);

let bad = 0;
for (const f of process.argv.slice(2)) {
  let log;
  try {
    log = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.log(`invalid ${f}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (validate(log)) {
    console.log(`ok ${f}`);
  } else {
    bad++;
    console.log(`invalid ${f}:`);
    for (const e of validate.errors.slice(0, 20))
      console.log(`  ${e.dataPath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
if (process.argv.length < 3) {
  console.log('usage: validate.js FILE...');
  bad = 1;
}
process.exit(bad ? 1 : 0);
