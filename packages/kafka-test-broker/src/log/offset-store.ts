import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

interface OffsetLine {
  g: string;
  t: string;
  p: number;
  o: number;
  m: string | null;
}

/**
 * Committed consumer-group offsets. With a data folder every commit is appended as one JSON line
 * to offsets.jsonl; at start-up the file is replayed and rewritten with only the latest values.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly path: string | null;

  constructor(dataDir: string | null) {
    this.path = dataDir ? join(dataDir, 'offsets.jsonl') : null;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    if (this.path && existsSync(this.path)) this.load(this.path);
  }

  private load(path: string): void {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const l = JSON.parse(line) as OffsetLine;
        this.set(l.g, l.t, l.p, { offset: l.o, metadata: l.m });
      } catch {
        // A torn last line (crash mid-write): the earlier lines still count.
      }
    }
    const lines: string[] = [];
    for (const [g, topics] of this.groups) {
      for (const [t, parts] of topics) {
        for (const [p, c] of parts) lines.push(JSON.stringify({ g, t, p, o: c.offset, m: c.metadata }));
      }
    }
    writeFileSync(`${path}.tmp`, lines.map((l) => `${l}\n`).join(''));
    renameSync(`${path}.tmp`, path);
  }

  private set(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.groups.get(group);
    if (!topics) {
      topics = new Map();
      this.groups.set(group, topics);
    }
    let parts = topics.get(topic);
    if (!parts) {
      parts = new Map();
      topics.set(topic, parts);
    }
    parts.set(partition, value);
  }

  commit(
    group: string,
    entries: { topic: string; partition: number; offset: number; metadata: string | null }[],
  ): void {
    for (const e of entries)
      this.set(group, e.topic, e.partition, { offset: e.offset, metadata: e.metadata });
    if (this.path && entries.length > 0) {
      const text = entries
        .map((e) => JSON.stringify({ g: group, t: e.topic, p: e.partition, o: e.offset, m: e.metadata }))
        .join('\n');
      appendFileSync(this.path, `${text}\n`);
    }
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Every topic-partition the group has committed, for OffsetFetch with a null topic list. */
  topicsOf(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }
}
