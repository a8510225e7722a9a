import { randomBytes } from 'node:crypto';
import { DeadLetterNotFoundError } from '@wagewatch/bus';
import type { Database } from '@wagewatch/db';
import { type ApiKeys, type Clock, type Logger, SecretBox } from '@wagewatch/runtime';
import { createEmbeddedSystem } from './system.ts';

export const DEAD_LETTERS_USAGE = `usage:
  wagewatch dead-letters list [--consumer ledger|deposits|inspection|ingest] [--status open|reapplied] [--limit N]
  wagewatch dead-letters show --consumer <consumer> <id>
  wagewatch dead-letters reapply --consumer <consumer> <id> [--by <name>]`;

/**
 * The dead-letter command against a database (the embedded one, or the PostgreSQL every
 * distributed service shares): the same list and re-application as the admin routes, through
 * each consumer's normal apply path (docs/adr/0011). Returns the exit code; writes to `out`.
 */
export async function deadLettersCommand(
  argv: readonly string[],
  deps: {
    db: Database;
    clock: Clock;
    logger: Logger;
    apiKeys: ApiKeys;
    /** The deployment's secrets key (webhook secrets); default a throwaway one (tests). */
    secrets?: SecretBox;
    by: string;
    out: (line: string) => void;
  },
): Promise<number> {
  const [verb, ...rest] = argv;
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) flags.set(a.slice(2), rest[++i] ?? '');
    else positional.push(a);
  }
  if (!verb || !['list', 'show', 'reapply'].includes(verb)) {
    deps.out(DEAD_LETTERS_USAGE);
    return 2;
  }
  const system = await createEmbeddedSystem({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    apiKeys: deps.apiKeys,
    secrets: deps.secrets ?? new SecretBox(randomBytes(32)),
  });
  try {
    const consumer = flags.get('consumer');
    const chosen = system.deadLetters.filter((d) => !consumer || d.group === consumer);
    if (chosen.length === 0) {
      deps.out(`unknown consumer ${consumer} (known: ${system.deadLetters.map((d) => d.group).join(', ')})`);
      return 2;
    }
    if (verb === 'list') {
      const status = flags.get('status');
      for (const d of chosen) {
        const r = await d.list({
          ...(status === 'open' || status === 'reapplied' ? { status } : {}),
          limit: Number(flags.get('limit') ?? 100),
        });
        deps.out(`${d.group}: ${r.total} dead letter(s)`);
        for (const x of r.items) {
          const what = `${x.eventType ?? '?'}${x.rowIndex !== null ? ` row ${x.rowIndex}` : ''}`;
          deps.out(`  ${x.id}\t${x.status}\t${x.failedAt}\t${what}\tevent ${x.eventId ?? '?'}\t${x.reason}`);
        }
      }
      return 0;
    }
    const id = positional[0];
    if (!consumer || !id) {
      deps.out(DEAD_LETTERS_USAGE);
      return 2;
    }
    const d = chosen[0]!;
    try {
      if (verb === 'show') {
        deps.out(JSON.stringify(await d.get(id), null, 2));
        return 0;
      }
      const r = await d.reapply(id, flags.get('by') ?? deps.by);
      deps.out(`${d.group} ${id}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
      return r.outcome === 'failed' ? 1 : 0;
    } catch (err) {
      if (!(err instanceof DeadLetterNotFoundError)) throw err;
      deps.out(err.message);
      return 1;
    }
  } finally {
    await system.stop();
  }
}
