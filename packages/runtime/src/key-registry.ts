import type { Database } from '@wagewatch/db';
import type { KeyScope, Role } from './auth.ts';
import type { Clock } from './clock.ts';
import { PEOPLE_DDL } from './session-store.ts';

/** What the registry knows of an issued key: never the key itself. */
export type KeyRecord = {
  keyId: string;
  role: Role;
  scope: KeyScope;
  label: string | null;
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
};

export type KeyRegistryOptions = {
  /** How often the revocation list is re-read from the database (default 5 s). */
  refreshMs?: number;
  /** Last use is written at most once per key in this window (default one minute). */
  lastUsedEveryMs?: number;
  /** Told of a failed refresh or last-use write (the registry keeps its previous state). */
  onError?: (err: unknown) => void;
};

// The auth schema belongs to this package, not to a service: every process of every service
// reads its revocations and records last use; only ingest's admin routes issue and revoke.
// Idempotent, under an advisory lock so concurrent starts create it once.
const AUTH_SCHEMA_LOCK = '7243801105529061';
const AUTH_SCHEMA_DDL = [
  'CREATE SCHEMA IF NOT EXISTS auth',
  `CREATE TABLE IF NOT EXISTS auth.api_key (
    key_id uuid PRIMARY KEY,
    role text NOT NULL,
    scope jsonb NOT NULL,
    label text,
    issued_by text NOT NULL,
    issued_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz,
    revoked_by text,
    last_used_at timestamptz
  )`,
  'CREATE INDEX IF NOT EXISTS api_key_revoked ON auth.api_key (key_id) WHERE revoked_at IS NOT NULL',
];

/**
 * Creates the shared `auth` schema if it is not there yet (every composition root calls it):
 * the key registry, and the people and sessions of session-store.ts.
 */
export async function ensureKeyRegistrySchema(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUTH_SCHEMA_LOCK]);
    for (const statement of [...AUTH_SCHEMA_DDL, ...PEOPLE_DDL]) await tx.query(statement);
  });
}

type KeyRow = {
  key_id: string;
  role: Role;
  scope: KeyScope | string;
  label: string | null;
  issued_by: string;
  issued_at: Date | string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  revoked_by: string | null;
  last_used_at: Date | string | null;
};

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/**
 * The registry of issued API keys, shared by every process through the database: issuance
 * (label, expiry), revocation and last use. Each process holds the revocation list in memory,
 * re-read every `refreshMs`, so verifying a key stays a synchronous check without a query; a
 * revocation takes effect at once in the process that made it and within `refreshMs` in every
 * other. Last use is coalesced: written at most once per key per `lastUsedEveryMs`.
 */
export class KeyRegistry {
  private revoked = new Set<string>();
  private readonly noted = new Map<string, number>();
  private readonly pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly refreshMs: number;
  private readonly lastUsedEveryMs: number;

  constructor(
    private readonly db: Database,
    readonly clock: Clock,
    private readonly options: KeyRegistryOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 5000;
    this.lastUsedEveryMs = options.lastUsedEveryMs ?? 60_000;
  }

  /** Creates the schema if needed, reads the revocation list, and starts refreshing it. */
  async start(): Promise<void> {
    await ensureKeyRegistrySchema(this.db);
    await this.refresh();
    this.timer ??= setInterval(() => {
      this.refresh().catch((err) => this.options.onError?.(err));
      this.flush().catch((err) => this.options.onError?.(err));
    }, this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch((err) => this.options.onError?.(err));
  }

  /** Re-reads the revocation list from the database. */
  async refresh(): Promise<void> {
    const rows = await this.db.query<{ key_id: string }>(
      'SELECT key_id FROM auth.api_key WHERE revoked_at IS NOT NULL',
    );
    const next = new Set(rows.map((r) => r.key_id));
    // A revocation made here stays effective even if a refresh read before it committed.
    for (const id of this.revoked) next.add(id);
    this.revoked = next;
  }

  isRevoked(keyId: string): boolean {
    return this.revoked.has(keyId);
  }

  /** Notes that a key was used now; written to the database at most once per window. */
  noteUse(keyId: string): void {
    if (keyId === 'bootstrap') return;
    const now = this.clock.now();
    const last = this.noted.get(keyId);
    if (last !== undefined && now.getTime() - last < this.lastUsedEveryMs && now.getTime() >= last) return;
    this.noted.set(keyId, now.getTime());
    this.pending.set(keyId, now);
    this.flush().catch((err) => this.options.onError?.(err));
  }

  /** Writes the pending last-use instants (one statement per key, never moving one back). */
  async flush(): Promise<void> {
    await this.flushing;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    this.flushing = (async () => {
      for (const [keyId, at] of batch) {
        await this.db.query(
          'UPDATE auth.api_key SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2) WHERE key_id = $1',
          [keyId, at],
        );
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  async record(key: {
    keyId: string;
    role: Role;
    scope: KeyScope;
    label?: string | undefined;
    issuedBy: string;
    issuedAt: Date;
    expiresAt?: Date | undefined;
  }): Promise<void> {
    await this.db.query(
      'INSERT INTO auth.api_key (key_id, role, scope, label, issued_by, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        key.keyId,
        key.role,
        JSON.stringify(key.scope),
        key.label ?? null,
        key.issuedBy,
        key.issuedAt,
        key.expiresAt ?? null,
      ],
    );
  }

  async list(): Promise<KeyRecord[]> {
    const rows = await this.db.query<KeyRow>('SELECT * FROM auth.api_key ORDER BY issued_at, key_id');
    return rows.map(toRecord);
  }

  async get(keyId: string): Promise<KeyRecord | undefined> {
    const rows = await this.db.query<KeyRow>('SELECT * FROM auth.api_key WHERE key_id = $1', [keyId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Revokes a key (idempotent: a second revocation keeps the first's time and author). Effective
   * in this process at once. Undefined when no such key was issued.
   */
  async revoke(keyId: string, by: string): Promise<KeyRecord | undefined> {
    const rows = await this.db.query<KeyRow>(
      `UPDATE auth.api_key SET revoked_at = COALESCE(revoked_at, $2), revoked_by = COALESCE(revoked_by, $3)
       WHERE key_id = $1 RETURNING *`,
      [keyId, this.clock.now(), by],
    );
    if (!rows[0]) return undefined;
    this.revoked.add(keyId);
    return toRecord(rows[0]);
  }
}

function toRecord(r: KeyRow): KeyRecord {
  return {
    keyId: r.key_id,
    role: r.role,
    scope: typeof r.scope === 'string' ? (JSON.parse(r.scope) as KeyScope) : r.scope,
    label: r.label,
    issuedBy: r.issued_by,
    issuedAt: new Date(r.issued_at),
    expiresAt: toDate(r.expires_at),
    revokedAt: toDate(r.revoked_at),
    revokedBy: r.revoked_by,
    lastUsedAt: toDate(r.last_used_at),
  };
}
