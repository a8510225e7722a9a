import { maskAccountNo, maskIdNumber, maskName } from '@wagewatch/domain';

const ID_KEYS = new Set(['idNumber', 'counterpartyIdNumber', 'id_number']);
const ACCOUNT_KEYS = new Set(['accountNo', 'counterpartyAccountNo', 'account_no']);
const NAME_KEYS = new Set(['workerName', 'counterpartyName', 'personName']);

/**
 * Masks personal data (ID numbers, account numbers, people's names) anywhere in a log record.
 * A `name` key is masked inside a `worker`/`workers`/`lines` object, where it is a person's.
 */
export function maskPersonalData(value: unknown, personContext = false, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, personContext, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && ID_KEYS.has(k)) out[k] = maskIdNumber(v);
    else if (typeof v === 'string' && ACCOUNT_KEYS.has(k)) out[k] = maskAccountNo(v);
    else if (typeof v === 'string' && (NAME_KEYS.has(k) || (personContext && k === 'name')))
      out[k] = maskName(v);
    else
      out[k] = maskPersonalData(
        v,
        personContext || k === 'worker' || k === 'workers' || k === 'lines',
        depth + 1,
      );
  }
  return out;
}
