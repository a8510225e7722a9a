import { addDays, shanghaiDate } from '@wagewatch/domain';
import ExcelJS from 'exceljs';
import { type Block, chineseDate } from '../orders/document.ts';
import { BULLETIN_FIGURES, type Bulletin } from './bulletin.ts';

const isWinter = (b: Bulletin) => b.period.startsWith('winter-');
const kindName = (b: Bulletin) => (b.period.includes('Q') ? '季度' : '月度');
/** 月度/季度通报; for a winter campaign, its progress (while it runs) or its closing report. */
export const bulletinTitle = (b: Bulletin) =>
  isWinter(b)
    ? `${b.scope}${b.label}${b.provisional ? '进展情况' : '总结'}通报`
    : `${b.scope}${b.label}保障农民工工资支付监测${kindName(b)}通报`;

function periodLine(b: Bulletin): string {
  const asOf = shanghaiDate(new Date(b.asOf));
  if (!isWinter(b))
    return b.provisional
      ? `统计至 ${asOf}（本期尚未结束，数据为临时数）`
      : `统计期间：${b.label}（截至期末）`;
  const first = shanghaiDate(new Date(b.from));
  return b.provisional
    ? `统计期间：${first} 至 ${asOf}（专项行动进行中，数据为临时数）`
    : `统计期间：${first} 至 ${addDays(shanghaiDate(new Date(b.to)), -1)}（专项行动已结束）`;
}

type Figures = Omit<Bulletin, 'districts' | 'byRule'>;
const value = (b: Figures, key: keyof Figures) => String(b[key] ?? '');

/** The bulletin's text as blocks, for the A4 page (the same layout as the orders'). */
export function bulletinBlocks(b: Bulletin, authority: string): Block[] {
  const asOf = shanghaiDate(new Date(b.asOf));
  const blocks: Block[] = [
    { kind: 'authority', text: authority },
    { kind: 'title', text: bulletinTitle(b) },
    { kind: 'number', text: periodLine(b) },
    {
      kind: 'para',
      indent: true,
      text:
        `${b.label}，${b.scope}在监工程建设项目 ${b.projects} 个、实名制登记劳动者 ${b.registeredWorkers} 人，本期监测发现问题 ${b.findingsRaised} 项，涉及项目 ` +
        `${b.projectsWithFindings} 个、劳动者 ${b.workersConcerned} 人；期末尚有 ${b.findingsOpenAtEnd} 项未解决，欠付工资 ` +
        `${b.owedOpenAtEnd} 元。本期追发工资 ${b.recovered} 元，涉及劳动者 ${b.workersHelped} 人；立案 ${b.casesOpened} 件、` +
        `结案 ${b.casesClosed} 件，下达责令改正指令书 ${b.ordersIssued} 份，移送公安机关 ${b.policeReferrals} 件；动用工资保证金 ${b.depositsDrawn} 次、${b.depositsDrawnAmount} 元。`,
    },
    { kind: 'caption', text: '一、主要指标' },
    {
      kind: 'table',
      columns: [
        { title: '指标', width: 70 },
        { title: '数值', width: 30, align: 'right' },
      ],
      rows: BULLETIN_FIGURES.map((f) => [f.name, f.money ? `${value(b, f.key)}` : value(b, f.key)]),
    },
    { kind: 'caption', text: '二、问题分类' },
    {
      kind: 'table',
      columns: [
        { title: '问题', width: 50 },
        { title: '本期发现', width: 25, align: 'right' },
        { title: '期末未解决', width: 25, align: 'right' },
      ],
      rows: b.byRule.map((r) => [r.name, String(r.raised), String(r.openAtEnd)]),
    },
  ];
  if (b.districts) {
    blocks.push(
      { kind: 'caption', text: '三、分区（县）情况' },
      {
        kind: 'table',
        columns: [
          { title: '区（县）', width: 16 },
          { title: '项目', width: 10, align: 'right' },
          { title: '发现问题', width: 12, align: 'right' },
          { title: '期末未解决', width: 13, align: 'right' },
          { title: '期末欠付（元）', width: 17, align: 'right' },
          { title: '追发（元）', width: 16, align: 'right' },
          { title: '结案', width: 8, align: 'right' },
          { title: '移送', width: 8, align: 'right' },
        ],
        rows: b.districts.map((d) => [
          d.scope,
          String(d.projects),
          String(d.findingsRaised),
          String(d.findingsOpenAtEnd),
          d.owedOpenAtEnd,
          d.recovered,
          String(d.casesClosed),
          String(d.policeReferrals),
        ]),
      },
    );
  }
  blocks.push({
    kind: 'para',
    text: '说明：追发工资为应发工资在应发日期后足额支付的金额；期末欠付为期末仍未解决的未发放、未足额发放问题所欠金额。',
  });
  blocks.push({ kind: 'sign', lines: [authority, chineseDate(asOf)] });
  return blocks;
}

/**
 * The bulletin as an XLSX workbook for the bureau's own tables: 主要指标, 问题分类 and, for the
 * city, 分区情况; Chinese headers, the header row frozen, amounts as numbers in yuan (#,##0.00).
 */
export async function bulletinXlsx(b: Bulletin, authority: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = authority;
  wb.title = bulletinTitle(b);
  const header = (ws: ExcelJS.Worksheet) => {
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };
  const figures = wb.addWorksheet('主要指标');
  figures.columns = [
    { header: '指标', key: 'name', width: 30 },
    { header: '数值', key: 'value', width: 18 },
  ];
  header(figures);
  for (const f of BULLETIN_FIGURES) {
    const v = b[f.key];
    const row = figures.addRow({ name: f.name, value: f.money ? Number(v) : v });
    row.getCell('value').numFmt = f.money ? '#,##0.00' : '0';
  }
  figures.addRow({});
  figures.addRow({ name: '统计范围', value: b.scope });
  figures.addRow({ name: '统计期间', value: b.label });
  figures.addRow({
    name: '统计截至',
    value: `${shanghaiDate(new Date(b.asOf))}${b.provisional ? '（临时数）' : ''}`,
  });

  const rules = wb.addWorksheet('问题分类');
  rules.columns = [
    { header: '问题', key: 'name', width: 26 },
    { header: '规则代码', key: 'rule', width: 24 },
    { header: '本期发现', key: 'raised', width: 12 },
    { header: '期末未解决', key: 'openAtEnd', width: 12 },
  ];
  header(rules);
  for (const r of b.byRule) rules.addRow(r);

  if (b.districts) {
    const ds = wb.addWorksheet('分区情况');
    ds.columns = [
      { header: '区（县）', key: 'scope', width: 12 },
      ...BULLETIN_FIGURES.map((f) => ({
        header: f.name,
        key: f.key,
        width: Math.max(12, f.name.length * 2),
      })),
    ];
    header(ds);
    for (const d of b.districts) {
      const row = ds.addRow(
        Object.fromEntries([
          ['scope', d.scope],
          ...BULLETIN_FIGURES.map((f) => [
            f.key,
            f.money ? Number(d[f.key as keyof typeof d]) : d[f.key as keyof typeof d],
          ]),
        ]),
      );
      for (const f of BULLETIN_FIGURES) if (f.money) row.getCell(f.key).numFmt = '#,##0.00';
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
