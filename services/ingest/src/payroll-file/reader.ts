// Reads payroll files off the event loop: one worker thread per upload, at most `concurrency` at
// once (the rest wait their turn), each with a memory ceiling and a time limit. A file that breaks
// either is refused as too large, and the worker's memory goes with it.
import { Worker } from 'node:worker_threads';
import { DEFAULT_PAYROLL_FILE_BOUNDS, type PayrollFileBounds } from './bounds.ts';
import { type ParsedPayrollFile, type PayrollFileBound, PayrollFileError, type SheetKind } from './index.ts';

export type PayrollFileReaderOptions = PayrollFileBounds & {
  /** Files read at the same time; more wait. */
  concurrency: number;
  /** V8 old-generation ceiling of one reading worker (MB). */
  workerMemoryMb: number;
  /** Longest a file may take to read (ms). */
  timeoutMs: number;
};

export const DEFAULT_READER_OPTIONS: PayrollFileReaderOptions = {
  ...DEFAULT_PAYROLL_FILE_BOUNDS,
  concurrency: 2,
  workerMemoryMb: 512,
  timeoutMs: 30_000,
};

/** `kind` (default payroll): which columns the sheet must have (see `SheetKind`). */
type Input = { bytes: Buffer; filename?: string; contentType?: string; kind?: SheetKind };
type Reply =
  | { ok: true; result: ParsedPayrollFile }
  | {
      ok: false;
      error?: {
        code: PayrollFileError['code'];
        message: string;
        headerRow?: number;
        column?: PayrollFileError['column'];
        bound?: PayrollFileBound;
      };
      unexpected?: string;
    };

export class PayrollFileReader {
  readonly options: PayrollFileReaderOptions;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(options: Partial<PayrollFileReaderOptions> = {}) {
    this.options = { ...DEFAULT_READER_OPTIONS, ...options };
  }

  async read(input: Input): Promise<ParsedPayrollFile> {
    if (this.running >= this.options.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await this.readInWorker(input);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Stops every reading worker (the service's close hook). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }

  private readInWorker(input: Input): Promise<ParsedPayrollFile> {
    if (this.closed) return Promise.reject(new Error('the payroll file reader is closed'));
    const { maxRows, maxDecompressedBytes, workerMemoryMb, timeoutMs } = this.options;
    const bytes = new Uint8Array(input.bytes); // a copy the worker owns
    const worker = new Worker(new URL('./parse-worker.mjs', import.meta.url), {
      workerData: {
        bytes,
        filename: input.filename,
        contentType: input.contentType,
        kind: input.kind ?? 'payroll',
        bounds: { maxRows, maxDecompressedBytes },
      },
      transferList: [bytes.buffer],
      resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb },
      stdout: false,
      stderr: false,
    });
    this.workers.add(worker);
    return new Promise<ParsedPayrollFile>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.workers.delete(worker);
        void worker.terminate();
        fn();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new PayrollFileError(
                'TOO_LARGE',
                `the file took longer than ${timeoutMs / 1000} s to read; split the sheet into smaller files`,
                { bound: 'time' },
              ),
            ),
          ),
        timeoutMs,
      );
      worker.on('message', (reply: Reply) =>
        finish(() => {
          if (reply.ok) return resolve(reply.result);
          if (reply.error) {
            const { code, message, headerRow, column, bound } = reply.error;
            return reject(
              new PayrollFileError(code, message, {
                ...(headerRow !== undefined ? { headerRow } : {}),
                ...(column !== undefined ? { column } : {}),
                ...(bound !== undefined ? { bound } : {}),
              }),
            );
          }
          reject(new Error(`the payroll file reader failed: ${reply.unexpected ?? 'no reason given'}`));
        }),
      );
      worker.on('error', (err: Error & { code?: string }) =>
        finish(() =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new PayrollFileError(
                  'TOO_LARGE',
                  `the file needs more than ${workerMemoryMb} MB of memory to read; split the sheet into smaller files`,
                  { bound: 'memory' },
                )
              : err,
          ),
        ),
      );
      worker.on('exit', (code) =>
        finish(() =>
          reject(new Error(`the payroll file reader stopped (exit code ${code}) before answering`)),
        ),
      );
    });
  }
}
