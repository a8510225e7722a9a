import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './api-helpers.ts';
import { creditCode } from './fixtures.ts';
import { TEST_NOW } from './harness.ts';
import {
  type NoticeScenario,
  OFFICER,
  PENDING_CHANNELS,
  startNoticeScenario,
} from './public-notice-scenario.ts';

let s: NoticeScenario;
beforeAll(async () => {
  s = await startNoticeScenario();
});
afterAll(async () => {
  await s?.t.close();
});

const RULE = '每月15日支付上月工资；遇法定节假日或休息日提前至最近的工作日';

describe('the public notice of wage payment (工资发放公示)', () => {
  it('shows the board of a project with one worker paid and one not, without a key', async () => {
    const res = await s.t.api.get(`/public/projects/${s.paid.projectId}/notice`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.body).toEqual({
      projectId: s.paid.projectId,
      name: '攀枝花市东区公示测试安置房项目',
      city: '攀枝花市',
      district: '东区',
      owner: { name: '业主61', creditCode: creditCode(1061) },
      contractor: { name: '总包61', creditCode: creditCode(2061) },
      labourOfficer: OFFICER,
      minimumWage: { monthly: '2100.00', source: 'district-configuration' },
      payDate: {
        payDay: 15,
        payMonthOffset: 1,
        rule: RULE,
        ruleEn: expect.stringContaining('previous month'),
        next: {
          period: '2026-11',
          nominal: '2026-12-15',
          due: '2026-12-15',
          movedForward: false,
          warnings: [],
        },
      },
      lastMonth: {
        period: '2026-10',
        dueDate: '2026-11-13',
        status: 'not-paid-in-full',
        workersOnSheet: 2,
        workersPaidInFull: 1,
        workersNotPaidInFull: 1,
        workersPaidLate: 0,
      },
      complaintChannels: ['12333 劳动保障监察举报投诉电话', '攀枝花市东区人力资源和社会保障局 劳动保障监察'],
      asOf: TEST_NOW.toISOString(),
      evaluatedAsOf: '2026-11-16T01:00:00.000Z',
    });
  });

  it('says pending until the bank statement for the due date arrives; registered channels and wage win', async () => {
    const res = await s.t.api.get(`/public/projects/${s.pending.projectId}/notice`);
    expect(res.status).toBe(200);
    expect(res.body.lastMonth).toEqual({
      period: '2026-10',
      dueDate: '2026-11-13',
      status: 'pending',
      workersOnSheet: 2,
      workersPaidInFull: null,
      workersNotPaidInFull: null,
      workersPaidLate: null,
    });
    expect(res.body.labourOfficer).toBeNull();
    expect(res.body.minimumWage).toEqual({ monthly: '2200.00', source: 'registration' });
    expect(res.body.complaintChannels).toEqual(PENDING_CHANNELS);
  });

  it('computes the next pay date on the holiday-aware calendar (15 November 2026 is a Sunday)', async () => {
    s.t.clock.set('2026-11-10T09:00:00+08:00');
    try {
      const res = await s.t.api.get(`/public/projects/${s.paid.projectId}/notice`);
      expect(res.body.payDate.next).toEqual({
        period: '2026-10',
        nominal: '2026-11-15',
        due: '2026-11-13',
        movedForward: true,
        warnings: [],
      });
      // Nothing had fallen due yet for a project that started in October.
      expect(res.body.lastMonth).toBeNull();
      const html = await fetch(`${s.t.api.baseUrl}/public/projects/${s.paid.projectId}/notice.html`);
      const text = await html.text();
      expect(text).toContain('2026年11月13日');
      expect(text).toContain('原定2026年11月15日为休息日或节假日，提前发放');
      expect(text).toContain('尚无到期应发的工资');
    } finally {
      s.t.clock.set(TEST_NOW);
    }
  });

  it('serves the board as a self-contained HTML page, cacheable for five minutes', async () => {
    const res = await fetch(`${s.t.api.baseUrl}/public/projects/${s.paid.projectId}/notice.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\s*<html lang="zh-CN">/);
    for (const text of [
      '维权信息告示牌',
      '攀枝花市东区公示测试安置房项目',
      RULE,
      '12333',
      OFFICER.phone,
      '¥2,100.00',
      // Where a worker checks their own wages (工资查询): a link on the same site.
      '<a href="/public/wages.html">',
    ])
      expect(html).toContain(text);
    // No external assets: no script, no stylesheet link, no remote URL of any kind.
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|https?:\/\//i);
  });

  it('a key is not needed, and a bad one does not matter', async () => {
    const res = await s.t.api.as('not-a-key').get(`/public/projects/${s.paid.projectId}/notice`);
    expect(res.status).toBe(200);
  });

  it('an unknown project is a 404 problem (JSON) and a plain 404 page (HTML)', async () => {
    expectProblem(await s.t.api.get('/public/projects/PZH-NOPE/notice'), 404);
    const res = await fetch(`${s.t.api.baseUrl}/public/projects/PZH-NOPE/notice.html`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBeNull();
    expect(await res.text()).toContain('未找到该项目');
  });

  it('contains no personal data: no worker names, ID numbers (even masked) or card numbers', async () => {
    expect(s.personal.length).toBe(16);
    for (const p of [s.paid, s.pending]) {
      for (const path of ['notice', 'notice.html']) {
        const res = await fetch(`${s.t.api.baseUrl}/public/projects/${p.projectId}/${path}`);
        const body = await res.text();
        for (const item of s.personal) expect(body, `${path} of ${p.projectId}`).not.toContain(item);
        // Nor the dedicated wage account (not personal, but not for a public board either).
        expect(body).not.toContain(p.accountNo);
      }
    }
  });

  it('refuses a malformed labour officer or minimum wage at registration', async () => {
    const { projectBody } = await import('./fixtures.ts');
    for (const bad of [
      { labourOfficer: { name: '张', phone: 'call me' } },
      { labourOfficer: { name: '', phone: '0812-3335555' } },
      { minimumWage: '2,100' },
      { complaintChannels: [] },
    ]) {
      const res = await s.t.admin.post('/v1/projects', projectBody({ projectId: 'PZH-BAD-NOTICE', ...bad }));
      expectProblem(res, 400);
    }
  });

  it('is in the OpenAPI document, without security', async () => {
    const res = await s.t.api.get('/docs/json');
    expect(res.status).toBe(200);
    const op = res.body.paths['/public/projects/{projectId}/notice']?.get;
    expect(op).toBeDefined();
    expect(op.security).toEqual([]);
  });
});
