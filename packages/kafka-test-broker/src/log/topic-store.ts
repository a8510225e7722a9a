import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/error-codes.ts';
import { readBatchHeader } from '../records/record-batch.ts';
import { PartitionLog } from './partition-log.ts';
import { ProducerState } from './producer-state.ts';

export interface Partition {
  readonly index: number;
  readonly log: PartitionLog;
  readonly producers: ProducerState;
}

interface MetaFile {
  topics: Record<string, number>;
  nextProducerId: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
export const MAX_PARTITIONS = 10_000;

export interface CreateResult {
  code: number;
  message: string | null;
}

/** Topics, their partitions, and the small metadata file (topic list, producer id counter). */
export class TopicStore {
  private readonly topics = new Map<string, Partition[]>();
  private nextProducerId = 1;

  constructor(
    private readonly dataDir: string | null,
    private readonly segmentBytes: number,
  ) {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      this.load(dataDir);
    }
  }

  private load(dataDir: string): void {
    const metaPath = join(dataDir, 'meta.json');
    if (!existsSync(metaPath)) return;
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as MetaFile;
    this.nextProducerId = meta.nextProducerId;
    for (const [name, count] of Object.entries(meta.topics)) {
      const partitions = this.openPartitions(name, count);
      for (const p of partitions) {
        for (const batch of p.log.batches) {
          const header = readBatchHeader(batch.data);
          p.producers.record(header, batch.baseOffset);
          this.nextProducerId = Math.max(this.nextProducerId, header.producerId + 1);
        }
      }
      this.topics.set(name, partitions);
    }
  }

  private openPartitions(name: string, count: number): Partition[] {
    return Array.from({ length: count }, (_, index) => ({
      index,
      log: new PartitionLog(name, index, this.partitionDir(name, index), this.segmentBytes),
      producers: new ProducerState(),
    }));
  }

  private partitionDir(name: string, index: number): string | null {
    return this.dataDir ? join(this.dataDir, 'topics', `${name}-${index}`) : null;
  }

  private saveMeta(): void {
    if (!this.dataDir) return;
    const meta: MetaFile = {
      topics: Object.fromEntries([...this.topics].map(([name, parts]) => [name, parts.length])),
      nextProducerId: this.nextProducerId,
    };
    const path = join(this.dataDir, 'meta.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(meta, null, 2));
    renameSync(`${path}.tmp`, path);
  }

  names(): string[] {
    return [...this.topics.keys()];
  }

  get(name: string): Partition[] | undefined {
    return this.topics.get(name);
  }

  partition(name: string, index: number): Partition | undefined {
    return this.topics.get(name)?.[index];
  }

  create(name: string, count: number): CreateResult {
    if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
      return { code: ErrorCode.INVALID_TOPIC_EXCEPTION, message: `invalid topic name '${name}'` };
    }
    if (this.topics.has(name)) {
      return { code: ErrorCode.TOPIC_ALREADY_EXISTS, message: `topic '${name}' already exists` };
    }
    if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS) {
      return { code: ErrorCode.INVALID_PARTITIONS, message: `invalid partition count ${count}` };
    }
    this.topics.set(name, this.openPartitions(name, count));
    this.saveMeta();
    return { code: ErrorCode.NONE, message: null };
  }

  delete(name: string): number {
    const partitions = this.topics.get(name);
    if (!partitions) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.topics.delete(name);
    for (const p of partitions) {
      p.log.close();
      const dir = this.partitionDir(name, p.index);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    this.saveMeta();
    return ErrorCode.NONE;
  }

  allocateProducerId(): number {
    const id = this.nextProducerId++;
    this.saveMeta();
    return id;
  }

  close(): void {
    for (const partitions of this.topics.values()) for (const p of partitions) p.log.close();
  }
}
