// index.js: the gov package: the policy VM (gov.js) and the compiler (govc.js), both
// WebAssembly modules built from the C sources of libgov and libgovc.
export { Policy, PolicySet, VM, GovError, HostFailure, initVM, toRfc3339, partitionOf, HOST_THREW, HOST_BAD_RESULT } from './gov.js';
export { initCompiler, check, checkSync, compile, compileSync, compilePolicy } from './govc.js';
