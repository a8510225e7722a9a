import { z } from 'zod';
import { localDateString } from './money.ts';

/**
 * Campaign alerts on the alerts topic (inspection): a holiday-period audit per district
 * (`audit.raised`), the winter campaign's weekly progress per district (`winter.progress`) and
 * a quarterly screening per district (`screening.completed`). Projects and counts only; no
 * personal data.
 */
export const auditRaisedData = z.object({
  occurrence: z.string(),
  reportId: z.string(),
  district: z.string(),
  holiday: z.string(),
  auditOn: localDateString,
  holidayStarts: localDateString,
  projects: z.array(
    z.object({
      projectId: z.string(),
      name: z.string(),
      sector: z.string(),
      riskGrade: z.string().nullable(),
      reasons: z.array(z.enum(['wages', 'balance-short', 'deposit'])),
      rules: z.array(z.string()),
      openFindings: z.number().int().min(0),
      taskId: z.string().nullable(),
    }),
  ),
});
export type AuditRaised = z.infer<typeof auditRaisedData>;

export const winterProgressData = z.object({
  occurrence: z.string(),
  reportId: z.string(),
  district: z.string(),
  season: z.string(),
  week: z.string(),
  since: localDateString,
  eve: localDateString,
  opened: z.number().int().min(0),
  closed: z.number().int().min(0),
  stillOpen: z.number().int().min(0),
});
export type WinterProgress = z.infer<typeof winterProgressData>;

export const screeningCompletedData = z.object({
  occurrence: z.string(),
  reportId: z.string(),
  district: z.string(),
  quarter: z.string(),
  projects: z.number().int().min(0),
  failing: z.number().int().min(0),
});
export type ScreeningCompleted = z.infer<typeof screeningCompletedData>;
