// index.d.ts: the gov package's types.
export * from './gov.js';
export * from './govc.js';
