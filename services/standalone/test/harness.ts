import { Writable } from 'node:stream';
import type { Database } from '@wagewatch/db';
import type { WebhookTargetPolicy } from '@wagewatch/inspection';
import {
  ApiKeys,
  type Clock,
  createLogger,
  type KeyScope,
  ManualClock,
  type Role,
  SecretBox,
  systemClock,
} from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabaseKind } from '@wagewatch/testkit';
import { createEmbeddedSystem, type EmbeddedOptions, type EmbeddedSystem } from '../src/system.ts';

export const TEST_SECRET = 'test-secret-for-signing-api-keys-0123456789';
/** The secrets key of every test system (base64 of 32 bytes): the same across a restart. */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
export const BOOTSTRAP_ADMIN_KEY = 'bootstrap-admin-key-for-tests';
/** Tests run at a fixed instant: 2026-11-29 10:00 in Shanghai, after the demo's feeds end. */
export const TEST_NOW = new Date('2026-11-29T10:00:00+08:00');

/** An 18-character resident ID, or a run of 16 or more digits (a card or account number). */
export const PERSONAL_DATA = /\b\d{17}[\dX]\b|\d{16,}/;

export type ApiResponse<T = any> = { status: number; body: T; headers: Headers };

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key?: string,
  ) {}
  as(key: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }
  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...extra };
  }
  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  /** A multipart upload, as a browser or curl -F sends it. */
  async upload<T = any>(
    path: string,
    file: { bytes: Buffer; filename: string; type?: string },
    fields: Record<string, string> = {},
  ) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append(
      'file',
      new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }),
      file.filename,
    );
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: this.headers(),
      body: form,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }
}

export type TestSystem = {
  system: EmbeddedSystem;
  db: Database;
  clock: ManualClock;
  apiKeys: ApiKeys;
  api: ApiClient;
  logs: string[];
  key(role: Role, scope?: KeyScope): string;
  admin: ApiClient;
  /** Waits until every event so far has been applied by every consumer. */
  settle(): Promise<void>;
  close(): Promise<void>;
};

export type TestSystemOptions = {
  kind?: TestDatabaseKind;
  now?: Date;
  db?: Database;
  /** Where webhooks may go (default: as in production, https: to public addresses only). */
  webhookTargets?: WebhookTargetPolicy;
  /** The embedded system's options beyond the database, clock and keys (limits, bounds). */
  embedded?: Pick<
    EmbeddedOptions,
    'protection' | 'uploads' | 'sessions' | 'consoleDir' | 'calendar' | 'patrols'
  >;
  apiKeys?: ApiKeys;
  keyRefreshMs?: number;
};

/**
 * The whole embedded system on a fresh database (PGlite or this machine's PostgreSQL), served
 * over real HTTP on an ephemeral port, with a manual clock and no timers.
 */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const clock = new ManualClock(options.now ?? TEST_NOW);
  return { ...(await startOn(clock, options)), clock };
}

/** The embedded system as a live install runs it: on the system (wall) clock, `now` ignored. */
export type LiveTestSystem = Omit<TestSystem, 'clock'> & { clock: Clock };

/**
 * The whole embedded system on the system clock (WAGEWATCH_CLOCK=system), for the few tests of
 * what a live install refuses (a sweep past its own now); everything else runs on a ManualClock.
 */
export async function startLiveTestSystem(
  options: Omit<TestSystemOptions, 'now'> = {},
): Promise<LiveTestSystem> {
  return { ...(await startOn(systemClock, options)), clock: systemClock };
}

async function startOn(clock: Clock, options: TestSystemOptions): Promise<Omit<TestSystem, 'clock'>> {
  const tdb = options.db ? undefined : await createTestDatabase(options.kind ?? 'pglite', 'standalone');
  const db = options.db ?? tdb!.db;
  const apiKeys = options.apiKeys ?? new ApiKeys(TEST_SECRET, BOOTSTRAP_ADMIN_KEY);
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const system = await createEmbeddedSystem({
    db,
    clock,
    logger,
    apiKeys,
    secrets: SecretBox.fromBase64(TEST_SECRETS_KEY),
    ...(options.webhookTargets ? { webhookTargets: options.webhookTargets } : {}),
    ...options.embedded,
    // Load shedding is off unless a test asks for it (limits.security does): a PGlite sweep
    // blocks the event loop for seconds on a busy two-core machine, and a test of anything else
    // must not answer 503 because another process had the CPU.
    protection: { maxEventLoopDelayMs: 0, ...options.embedded?.protection },
    ...(options.keyRefreshMs ? { keyRefreshMs: options.keyRefreshMs } : {}),
  });
  system.start();
  const address = await system.app.listen({ port: 0, host: '127.0.0.1' });
  const api = new ApiClient(address);
  const key = (role: Role, scope: KeyScope = {}) => apiKeys.issue(role, scope).key;
  return {
    system,
    db,
    apiKeys,
    api,
    logs,
    key,
    admin: api.as(key('admin')),
    settle: () => system.drain(),
    async close() {
      await system.stop();
      if (tdb) await tdb.drop();
      // Every test file that runs the system checks its whole log: no 18-character resident ID,
      // no 16+ digit card number (issue 11; the logger masks them: packages/runtime/src/mask.ts).
      const leak = logs.find((l) => PERSONAL_DATA.test(l));
      if (leak) throw new Error(`a log line holds an ID or card number in clear: ${leak.slice(0, 500)}`);
    },
  };
}
