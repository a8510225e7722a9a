import { defaultCalendar } from '@wagewatch/domain';
import { runService } from '@wagewatch/host';
import { SecretBox } from '@wagewatch/runtime';
import { webhookTargetPolicyFromEnv } from './alerts/webhook-targets.ts';
import { env } from './env.ts';
import { ladderFromEnv, patrolPolicyFromEnv } from './ladder-env.ts';
import { documentsFromEnv } from './orders/env.ts';
import { createInspection } from './service.ts';

/** Inspection as its own process (distributed mode). */
await runService(env, ({ db, clock }) => {
  const inspection = createInspection({
    db,
    clock,
    calendar: defaultCalendar,
    secrets: SecretBox.fromBase64(env.WAGEWATCH_SECRETS_KEY),
    webhookTargets: webhookTargetPolicyFromEnv(env),
    ladder: ladderFromEnv(env),
    patrols: patrolPolicyFromEnv(env),
    documents: documentsFromEnv(env),
  });
  return {
    name: 'inspection',
    migrate: inspection.migrate,
    clockInstant: inspection.clockInstant,
    routes: [inspection.routes],
    outbox: inspection.outbox,
    consumers: [inspection.consumer],
    ...(env.WAGEWATCH_CONSOLE_DIR ? { consoleDir: env.WAGEWATCH_CONSOLE_DIR } : {}),
    schedules: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS
      ? [
          {
            name: 'escalation-sweep',
            intervalMs: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS * 1000,
            run: () => inspection.sweep(clock.now()),
          },
        ]
      : [],
  };
});
