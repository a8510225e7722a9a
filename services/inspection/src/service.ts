import { fileURLToPath } from 'node:url';
import { Outbox } from '@wagewatch/bus';
import { type Database, migrate } from '@wagewatch/db';
import {
  type CampaignConfig,
  DEFAULT_CAMPAIGN_CONFIG,
  DEFAULT_LADDER_CONFIG,
  DEFAULT_RISK_CONFIG,
  defaultCalendar,
  type LadderConfig,
  type PatrolPolicy,
  type RiskConfig,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { type Clock, type SecretBox, systemClock } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { alertRoutes } from './alerts/routes.ts';
import { type WebhookTargetPolicy, webhookTargets } from './alerts/webhook-targets.ts';
import { type WebhookOptions, webhookDelivery } from './alerts/webhooks.ts';
import { campaignRoutes } from './campaigns/routes.ts';
import { caseClosingRoutes } from './cases/closing-routes.ts';
import { caseRoutes } from './cases/routes.ts';
import { cluePage } from './clues/page.ts';
import { type ClueLimits, publicClueRoutes } from './clues/public-routes.ts';
import { clueRoutes } from './clues/routes.ts';
import { inspectionConsumer } from './consumer.ts';
import { readEvaluationInstant } from './context.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { findingRoutes } from './findings/routes.ts';
import { justificationRoutes } from './justifications/routes.ts';
import type { DocumentConfig } from './orders/repository.ts';
import { orderRoutes } from './orders/routes.ts';
import { patrolRoutes } from './patrols/routes.ts';
import { projectRoutes } from './projects/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { riskRoutes } from './risk/routes.ts';
import { sweep, sweepRoutes } from './sweep.ts';
import { taskRoutes } from './tasks/routes.ts';

export const INSPECTION_SCHEMA = 'inspection';
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Inspection: the findings read model, cases (grouping, routing, escalation ladder, closing and
 * reopening), inspection tasks, justifications and risk grades, behind the inspector/project
 * manager API. Publishes case alerts (TOPICS.alerts) and task events (TOPICS.tasks) from its
 * outbox. Campaigns run in the sweep (holiday audits, winter campaign, quarterly screening);
 * alerts are listed, streamed (SSE) and delivered to webhook subscribers.
 */
export function createInspection(deps: {
  db: Database;
  /** Stamps API actions and is the default instant of a sweep; default the system clock. */
  clock?: Clock;
  /** The holiday-aware working-day calendar of the ladder; default the built-in one. */
  calendar?: WorkingDayCalendar;
  ladder?: LadderConfig;
  risk?: RiskConfig;
  /** Holiday audits (working days before, Labour Day), the winter campaign's start. */
  campaigns?: CampaignConfig;
  /** 日常巡查: who is patrolled and how often (default DEFAULT_PATROL_POLICY). */
  patrols?: PatrolPolicy;
  /** Webhook retry policy (backoff on the clock above). */
  webhooks?: WebhookOptions;
  /** Seals the secrets the service keeps (webhook signing secrets) with the deployment's key. */
  secrets: SecretBox;
  /** Where webhooks may go: public https: only unless this allows http: or names internal hosts. */
  webhookTargets?: WebhookTargetPolicy;
  /** Who issues the orders and referrals and how they are numbered (default Panzhihua's). */
  documents?: DocumentConfig;
  /** 欠薪线索's limits on the public (reports and progress questions per address, ID, reference). */
  clueLimits?: Partial<ClueLimits>;
}) {
  const outbox = new Outbox(INSPECTION_SCHEMA, 'inspection');
  const clock = deps.clock ?? systemClock;
  const targets = webhookTargets(deps.webhookTargets);
  const ctx = {
    db: deps.db,
    outbox,
    clock,
    calendar: deps.calendar ?? defaultCalendar,
    ladder: deps.ladder ?? DEFAULT_LADDER_CONFIG,
    risk: deps.risk ?? DEFAULT_RISK_CONFIG,
    campaigns: deps.campaigns ?? DEFAULT_CAMPAIGN_CONFIG,
    ...(deps.patrols ? { patrols: deps.patrols } : {}),
    secrets: deps.secrets,
    webhookTargets: targets,
    ...(deps.documents ? { documents: deps.documents } : {}),
    webhooks: webhookDelivery({
      db: deps.db,
      clock,
      secrets: deps.secrets,
      targets,
      ...(deps.webhooks ? { options: deps.webhooks } : {}),
    }),
  };
  // One plugin per slice; each declares its routes' schemas and shares the scope helper (scope.ts).
  const slices = [
    findingRoutes(ctx),
    caseRoutes(ctx),
    caseClosingRoutes(ctx),
    justificationRoutes(ctx),
    taskRoutes(ctx),
    riskRoutes(ctx),
    sweepRoutes(ctx),
    alertRoutes(ctx),
    campaignRoutes(ctx),
    projectRoutes(ctx),
    dashboardRoutes(ctx),
    orderRoutes(ctx),
    reportRoutes(ctx),
    clueRoutes(ctx),
    patrolRoutes(ctx),
    cluePage,
    publicClueRoutes({ ...ctx, ...(deps.clueLimits ? { clueLimits: deps.clueLimits } : {}) }),
  ];
  const routes: FastifyPluginAsync = async (app) => {
    for (const slice of slices) await slice(app, {});
  };
  return {
    name: 'inspection' as const,
    outbox,
    consumer: inspectionConsumer(ctx),
    migrate: async () => {
      const applied = await migrate(deps.db, { folder: migrationsFolder, schema: INSPECTION_SCHEMA });
      // A start may bring a new ladder, calendar or configuration: every open case is due (docs/adr/0022).
      await deps.db.query('DELETE FROM inspection.case_due');
      return applied;
    },
    routes,
    /** Runs the ladder of every open case as of an instant (monotonic); the embedded timer and the admin route call it. */
    sweep: (asOf: Date = clock.now()) => sweep(ctx, asOf),
    /** The latest instant swept to (the epoch when never): a replay clock resumes there. */
    clockInstant: () => readEvaluationInstant(deps.db),
    /** One round of webhook delivery (fan-out of new alerts and task events, then the attempts due on the clock). */
    deliverWebhooks: () => ctx.webhooks.step(),
  };
}
