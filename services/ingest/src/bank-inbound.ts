import { decodeMessage } from '@wagewatch/bus';
import { BANK_INBOUND_TOPICS, deadLetterTopic, withTrace } from '@wagewatch/contracts';
import { AppError } from '@wagewatch/runtime';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { acceptStatement, acceptTransfers, type IntakeDeps, statementInputSchema } from './bank-intake.ts';

export const BANK_CODE_HEADER = 'x-bank-code';
/** The version of the HTTP contract the body follows; absent means 1. */
export const CONTRACT_VERSION_HEADER = 'x-contract-version';

/**
 * Banks with a Kafka connection publish their transfers and statements to the inbound topics,
 * one HTTP body per message (same JSON contract), naming themselves in the `x-bank-code` header
 * (in production each bank's principal may only write its own code: Kafka ACLs). Each message
 * goes through the same intake as HTTP. A message that cannot be read, or whose rows are
 * rejected, is published to ingest's dead-letter topic with the reason and the original bytes
 * (the good rows of a partly bad message are kept, as over HTTP); nothing is dropped. Offsets
 * are committed after the intake's transaction: a crash redelivers, and bankRef / statement
 * fingerprints make the repeat change nothing.
 */
export class BankInbound {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  readonly stats = { messages: 0, deadLettered: 0 };

  constructor(
    private readonly deps: IntakeDeps,
    kafka: Kafka,
    private readonly logger: Logger,
    options: { groupId?: string; sessionTimeout?: number; heartbeatInterval?: number } = {},
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId ?? 'ingest-bank-inbound',
      ...(options.sessionTimeout ? { sessionTimeout: options.sessionTimeout } : {}),
      ...(options.heartbeatInterval ? { heartbeatInterval: options.heartbeatInterval } : {}),
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: Object.values(BANK_INBOUND_TOPICS), fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.stats.messages++;
        // The message starts a chain, as an HTTP request does (packages/contracts trace.ts).
        const trace = { correlationId: `bank-inbound:${topic}:${partition}:${message.offset}` };
        const reason = await withTrace(trace, () => this.handle(topic, message));
        if (reason) await this.deadLetter(topic, partition, message, reason);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /** Returns the reason to dead-letter the message, or undefined when it was taken whole. */
  private async handle(topic: string, message: KafkaMessage): Promise<string | undefined> {
    const bankCode = message.headers?.[BANK_CODE_HEADER]?.toString();
    if (!bankCode) return `missing header ${BANK_CODE_HEADER}`;
    const version = message.headers?.[CONTRACT_VERSION_HEADER]?.toString() ?? '1';
    if (version !== '1') return `unsupported contract version ${version} (known: 1)`;
    const decoded = decodeMessage(message.value);
    if (!decoded.ok) return decoded.reason;
    try {
      if (topic === BANK_INBOUND_TOPICS.transfers) {
        const records = (decoded.raw as { records?: unknown })?.records;
        if (!Array.isArray(records) || records.length === 0)
          return 'body must be {records: [...]} with at least one record';
        const result = await acceptTransfers(this.deps, bankCode, records, false);
        if (result.rejected.length === 0) return undefined;
        return `rows rejected (the others were kept): ${describe(result.rejected)}`;
      }
      const statement = statementInputSchema.safeParse(decoded.raw);
      if (!statement.success) {
        return `invalid statement: ${statement.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      }
      await acceptStatement(this.deps, bankCode, statement.data);
      return undefined;
    } catch (err) {
      // A refusal of the request (validation, scope, unknown account) is final: dead letter.
      // Anything else (the database down) is thrown: kafkajs retries and redelivers.
      if (err instanceof AppError && err.status < 500)
        return `${err.title}: ${err.message}${err.errors.length ? ` (${describe(err.errors)})` : ''}`;
      throw err;
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
  ): Promise<void> {
    this.stats.deadLettered++;
    this.logger.warn(
      { topic, partition, offset: message.offset, reason },
      'inbound bank message dead-lettered',
    );
    await this.producer.send({
      topic: deadLetterTopic('ingest'),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...(message.headers ?? {}),
            'x-reason': reason.slice(0, 4000),
            'x-source-topic': topic,
            'x-source-partition': String(partition),
            'x-source-offset': message.offset,
          },
        },
      ],
    });
  }
}

function describe(issues: { row?: number; field: string; message: string }[]): string {
  return issues
    .map((i) => `${i.row !== undefined ? `row ${i.row} ` : ''}${i.field}: ${i.message}`)
    .join('; ');
}
