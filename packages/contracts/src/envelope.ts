import { z } from 'zod';

/**
 * Every event travels in this envelope, whatever the transport (in-process or Kafka).
 * `key` is the partition key (the project id), so a project's events stay in order.
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().nonnegative(),
  occurredAt: z.iso.datetime({ offset: true }),
  key: z.string().min(1),
  data: z.unknown(),
  metadata: z.object({
    producer: z.string(),
    correlationId: z.string().optional(),
    causationId: z.string().optional(),
  }),
});

export type Envelope<TType extends string = string, TData = unknown> = {
  id: string;
  type: TType;
  version: number;
  occurredAt: string;
  key: string;
  data: TData;
  metadata: { producer: string; correlationId?: string; causationId?: string };
};
