// Worker-thread entry of the payroll file reader (./reader.ts): reads one file and exits.
// Plain JavaScript, because a worker thread starts without the parent's TypeScript loader under
// a test runner; tsx (a dependency of this service) loads the TypeScript parser.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { parsePayrollFile, PayrollFileError } = await tsImport('./index.ts', import.meta.url);
const { bytes, filename, contentType, bounds, kind } = workerData;
try {
  const result = await parsePayrollFile(
    { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), filename, contentType },
    bounds,
    kind,
  );
  parentPort.postMessage({ ok: true, result });
} catch (err) {
  if (err instanceof PayrollFileError) {
    const { code, message, headerRow, column, bound } = err;
    parentPort.postMessage({ ok: false, error: { code, message, headerRow, column, bound } });
  } else {
    parentPort.postMessage({ ok: false, unexpected: String(err?.stack ?? err) });
  }
}
