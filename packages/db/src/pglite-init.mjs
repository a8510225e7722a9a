// Creates a new PGlite data folder (initdb) and exits: run by `openPgliteThread`
// (./pglite-thread.ts) as a child process, so that initdb's memory (the WASM heap grows to
// ~900 MB of RSS here, and a WASM heap never shrinks) is never the system process's.
// Plain JavaScript: the child starts without the parent's TypeScript loader.
import { PGlite } from '@electric-sql/pglite';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node pglite-init.mjs <data folder>');
  process.exit(2);
}
const client = await PGlite.create({ dataDir });
await client.close();
