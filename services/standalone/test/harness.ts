import { Writable } from 'node:stream';
import type { Database } from '@wagewatch/db';
import { ApiKeys, createLogger, type KeyScope, ManualClock, type Role } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabaseKind } from '@wagewatch/testkit';
import { createEmbeddedSystem, type EmbeddedSystem } from '../src/system.ts';

export const TEST_SECRET = 'test-secret-for-signing-api-keys-0123456789';
export const BOOTSTRAP_ADMIN_KEY = 'bootstrap-admin-key-for-tests';
/** Tests run at a fixed instant: 2026-11-29 10:00 in Shanghai, after the demo's feeds end. */
export const TEST_NOW = new Date('2026-11-29T10:00:00+08:00');

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

/**
 * The whole embedded system on a fresh database (PGlite or this machine's PostgreSQL), served
 * over real HTTP on an ephemeral port, with a manual clock and no timers.
 */
export async function startTestSystem(
  options: {
    kind?: TestDatabaseKind;
    now?: Date;
    db?: Database;
    apiKeys?: ApiKeys;
    keyRefreshMs?: number;
  } = {},
): Promise<TestSystem> {
  const tdb = options.db ? undefined : await createTestDatabase(options.kind ?? 'pglite', 'standalone');
  const db = options.db ?? tdb!.db;
  const clock = new ManualClock(options.now ?? TEST_NOW);
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
    ...(options.keyRefreshMs ? { keyRefreshMs: options.keyRefreshMs } : {}),
  });
  system.start();
  const address = await system.app.listen({ port: 0, host: '127.0.0.1' });
  const api = new ApiClient(address);
  const key = (role: Role, scope: KeyScope = {}) => apiKeys.issue(role, scope).key;
  return {
    system,
    db,
    clock,
    apiKeys,
    api,
    logs,
    key,
    admin: api.as(key('admin')),
    settle: () => system.drain(),
    async close() {
      await system.stop();
      if (tdb) await tdb.drop();
    },
  };
}
