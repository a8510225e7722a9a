import { defaultCalendar } from '@wagewatch/domain';
import { runService } from '@wagewatch/host';
import { env } from './env.ts';
import { createDeposits } from './service.ts';

/** The deposits service as its own process (distributed mode): one consumer group, `deposits`. */
await runService(env, ({ db, clock }) => {
  const deposits = createDeposits({
    db,
    clock,
    calendar: defaultCalendar,
    policyId: env.WAGEWATCH_DEPOSIT_POLICY,
  });
  return {
    name: 'deposits',
    migrate: deposits.migrate,
    clockInstant: deposits.clockInstant,
    routes: [deposits.routes, deposits.adminRoutes],
    outbox: deposits.outbox,
    consumers: [deposits.consumer],
    schedules: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS
      ? [
          {
            name: 'deposit-sweep',
            intervalMs: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS * 1000,
            run: () => deposits.sweep(clock.now()),
          },
        ]
      : [],
  };
});
