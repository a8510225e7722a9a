import { currentTrace, sweepTrace, traceFollowing, withTrace, withTraceByKey } from '@wagewatch/contracts';
import { describe, expect, it } from 'vitest';
import { makeEnvelope } from './outbox.ts';

const event = (key: string, extra: { correlationId?: string; causationId?: string } = {}) =>
  makeEnvelope('test', {
    topic: 'wagewatch.test.v1',
    type: 'workers.registered',
    key,
    data: { projectId: key, workers: [] },
    occurredAt: new Date('2026-11-29T02:00:00Z'),
    ...extra,
  });

describe('event metadata from the trace context', () => {
  it('given no context, then an event carries no correlation or causation id', () => {
    expect(event('P-1').metadata).toEqual({ producer: 'test' });
  });

  it('given a request context, then the event takes its correlation id and no causation', async () => {
    const e = await withTrace({ correlationId: 'req-1' }, async () => {
      await Promise.resolve();
      return event('P-1');
    });
    expect(e.metadata).toEqual({ producer: 'test', correlationId: 'req-1' });
  });

  it('given an applied event, then what follows is in its chain and caused by it', () => {
    const first = withTrace({ correlationId: 'req-1' }, () => event('P-1'));
    const next = withTrace(traceFollowing(first), () => event('P-1'));
    expect(next.metadata).toEqual({ producer: 'test', correlationId: 'req-1', causationId: first.id });
    // An event from before traceability (no correlation id) starts the chain it causes.
    const legacy = { ...first, metadata: { producer: 'old' } };
    expect(traceFollowing(legacy)).toEqual({ correlationId: first.id, causationId: first.id });
  });

  it('given ids from the emitter, then they win over the context', () => {
    const e = withTrace({ correlationId: 'req-1', causationId: 'c-1' }, () =>
      event('P-1', { correlationId: 'mark-1', causationId: 'c-2' }),
    );
    expect(e.metadata).toEqual({ producer: 'test', correlationId: 'mark-1', causationId: 'c-2' });
    const own = withTrace({ correlationId: 'req-1', causationId: 'c-1' }, () =>
      event('P-1', { correlationId: 'x' }),
    );
    expect(own.metadata).toEqual({ producer: 'test', correlationId: 'x' });
  });

  it('given a batch, then each key follows the event that touched it last, any other key the fallback', () => {
    const byKey = new Map([
      ['P-1', { correlationId: 'a', causationId: 'e-1' }],
      ['P-2', { correlationId: 'b', causationId: 'e-2' }],
    ]);
    withTraceByKey(byKey, { correlationId: 'b', causationId: 'e-2' }, () => {
      expect(event('P-1').metadata).toMatchObject({ correlationId: 'a', causationId: 'e-1' });
      expect(event('P-2').metadata).toMatchObject({ correlationId: 'b', causationId: 'e-2' });
      expect(event('P-3').metadata).toMatchObject({ correlationId: 'b', causationId: 'e-2' });
      expect(withTrace(undefined, () => currentTrace('P-1'))).toBeUndefined();
    });
  });

  it('given a sweep, then its chain is named by its instant', () => {
    expect(sweepTrace(new Date('2026-11-16T01:00:00Z'))).toEqual({
      correlationId: 'sweep:2026-11-16T01:00:00.000Z',
    });
  });
});
