import type { LocationQuery } from 'vue-router';

/** The project list's state lives in the query string (a filtered list is a link to share). */
export type ProjectListQuery = {
  district: string;
  sector: string;
  riskGrade: string;
  rule: string;
  hasOpenCases: '' | 'true' | 'false';
  q: string;
  sort: '' | 'name' | 'riskGrade' | 'openFindings' | 'amountOwed';
  order: '' | 'asc' | 'desc';
  limit: number;
  offset: number;
};

const SORTS = ['name', 'riskGrade', 'openFindings', 'amountOwed'] as const;

const str = (q: LocationQuery, k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
const int = (q: LocationQuery, k: string, d: number, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number.parseInt(str(q, k), 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, max) : d;
};

export function parseListQuery(q: LocationQuery): ProjectListQuery {
  const sort = str(q, 'sort');
  const order = str(q, 'order');
  const open = str(q, 'hasOpenCases');
  return {
    district: str(q, 'district'),
    sector: str(q, 'sector'),
    riskGrade: str(q, 'riskGrade'),
    rule: str(q, 'rule'),
    hasOpenCases: open === 'true' || open === 'false' ? open : '',
    q: str(q, 'q'),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as ProjectListQuery['sort']) : '',
    order: order === 'asc' || order === 'desc' ? order : '',
    limit: int(q, 'limit', 50, 200) || 50,
    offset: int(q, 'offset', 0),
  };
}

/** The query string of a state: defaults left out. */
export function toRouteQuery(s: ProjectListQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === '' || (k === 'limit' && v === 50) || (k === 'offset' && v === 0)) continue;
    out[k] = String(v);
  }
  return out;
}
