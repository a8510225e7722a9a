import { shanghaiDate } from '@wagewatch/domain';
import type { OrderRow } from './repository.ts';

/**
 * The text of an issued order, once, as blocks that the A4 page (html.ts) and the PDF (pdf.ts)
 * both lay out: so the printed page and the file say the same thing.
 */
export type Block =
  | { kind: 'authority'; text: string }
  | { kind: 'title'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'para'; text: string; indent?: boolean }
  | { kind: 'caption'; text: string }
  | {
      kind: 'table';
      columns: { title: string; width: number; align?: 'right' | 'center' }[];
      rows: string[][];
    }
  | { kind: 'sign'; lines: string[] };

const CN_DIGITS = '〇一二三四五六七八九';
/** 2026-09-18 as a document dates it: 二〇二六年九月十八日. */
export function chineseDate(d: string): string {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const small = (n: number) =>
    n < 10
      ? CN_DIGITS[n]!
      : `${n >= 20 ? CN_DIGITS[Math.floor(n / 10)] : ''}十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
  return `${[...String(y)].map((c) => CN_DIGITS[Number(c)]).join('')}年${small(m)}月${small(day)}日`;
}

/** 2026-09-18 as the text says it: 2026年9月18日. */
const textDate = (d: string) => {
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
};

export function orderBlocks(order: OrderRow, police: string): Block[] {
  const c = order.content;
  const blocks: Block[] = [
    { kind: 'authority', text: c.authority },
    { kind: 'title', text: c.title },
    { kind: 'number', text: order.order_no },
  ];
  const employer = `${c.employer.name}（统一社会信用代码：${c.employer.code}）`;
  const workersTable: Block = {
    kind: 'table',
    columns: [
      { title: '序号', width: 8, align: 'center' },
      { title: '姓名', width: 12 },
      { title: '身份证号（脱敏）', width: 25 },
      { title: '工资所属期', width: 19 },
      { title: '应发（元）', width: 12, align: 'right' },
      { title: '已发（元）', width: 12, align: 'right' },
      { title: '欠付（元）', width: 12, align: 'right' },
    ],
    rows: [
      ...c.workers.map((w, i) => [
        String(i + 1),
        w.name,
        w.idNumberMasked,
        w.periods.join('、'),
        w.owed,
        w.paid,
        w.outstanding,
      ]),
      ['', '合计', `${c.workers.length} 人`, '', '', '', c.outstanding],
    ],
  };
  const rulesTable: Block = {
    kind: 'table',
    columns: [
      { title: '序号', width: 8, align: 'center' },
      { title: '违法行为', width: 22 },
      { title: '涉及', width: 10, align: 'right' },
      { title: '依据', width: 45 },
      { title: '欠付（元）', width: 15, align: 'right' },
    ],
    rows: c.lines.map((l, i) => [String(i + 1), l.ruleName, `${l.findings} 项`, l.legalBasis, l.owed]),
  };

  if (order.kind === 'correction') {
    blocks.push(
      { kind: 'para', text: `${employer}：` },
      {
        kind: 'para',
        indent: true,
        text:
          `经查，你单位在${c.projectName}项目（项目编号：${c.projectId}）中存在下列违反劳动保障法律、法规的行为` +
          `（监测发现 ${c.findingIds.length} 项，案件编号：${c.caseId}）：`,
      },
      rulesTable,
      {
        kind: 'para',
        indent: true,
        text:
          `依据《劳动保障监察条例》第十八条、第二十六条和《保障农民工工资支付条例》第五十四条的规定，现责令你单位于` +
          `${textDate(c.deadline ?? c.issuedOn)}前（${c.workingDays} 个工作日内）改正上述行为，足额支付下列农民工工资` +
          `共计人民币 ${c.outstanding} 元，并将改正情况书面报送本局。逾期不改正的，本局将依法处理。`,
      },
      { kind: 'caption', text: '拖欠工资明细' },
      workersTable,
      {
        kind: 'para',
        indent: true,
        text: '如对本指令书不服，可在收到本指令书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。',
      },
    );
  } else {
    const prior = c.priorOrders.length
      ? `本局已于${c.priorOrders.map((p) => `${textDate(p.issuedOn)}以${p.orderNo}责令其${p.deadline ? `于${textDate(p.deadline)}前` : ''}支付`).join('，')}，其逾期仍未支付`
      : '其经责令支付后逾期仍未支付';
    blocks.push(
      { kind: 'para', text: `${police.replaceAll('{district}', c.district)}：` },
      {
        kind: 'para',
        indent: true,
        text:
          `${employer}在${c.projectName}项目（项目编号：${c.projectId}）中拖欠 ${c.workers.length} 名劳动者劳动报酬共计人民币 ` +
          `${c.outstanding} 元。${prior}，涉嫌构成拒不支付劳动报酬罪（《中华人民共和国刑法》第二百七十六条之一）。依据《人力资源社会保障部 ` +
          `公安部关于加强涉嫌拒不支付劳动报酬犯罪案件查处衔接工作的通知》（人社部发〔2014〕100号），现将该案移送你局，请依法审查。` +
          `（案件编号：${c.caseId}）`,
      },
      { kind: 'caption', text: '涉及劳动者及金额' },
      workersTable,
      { kind: 'caption', text: '违法行为及依据' },
      rulesTable,
      { kind: 'caption', text: '证据材料清单（银行流水与工资表）' },
      {
        kind: 'table',
        columns: [
          { title: '序号', width: 8, align: 'center' },
          { title: '证据', width: 92 },
        ],
        rows: c.evidence.map((e, i) => [String(i + 1), e]),
      },
    );
  }
  blocks.push({
    kind: 'sign',
    lines: [
      c.authority,
      `劳动保障监察员：${c.inspector}`,
      chineseDate(c.issuedOn),
      ...(order.kind === 'police-referral'
        ? [
            order.acknowledged_at
              ? `接收单位签收：${order.acknowledged_by ?? ''}（${textDate(shanghaiDate(order.acknowledged_at))}）`
              : '接收单位签收：__________',
          ]
        : []),
    ],
  });
  return blocks;
}
