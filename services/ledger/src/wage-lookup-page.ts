import { publicPageRoutes } from '@wagewatch/runtime';

/**
 * The worker's page of 工资查询 (issue 14 §5): Chinese, for a phone, no account. A form posts the
 * ID number and the card's last six digits to `POST /public/wages/lookup` and shows the months;
 * its script is a file of its own so that the page's CSP allows no inline script.
 */
const CSS = `  form { background: #fff; border-radius: 8px; padding: 16px; display: grid; gap: 12px; }
  label { display: grid; gap: 4px; font-weight: 600; }
  input { font: inherit; width: 100%; padding: 10px; border: 1px solid #b8bfc6; border-radius: 6px; }
  input:focus-visible, button:focus-visible { outline: 3px solid #2d5f93; outline-offset: 1px; }
  #message { margin: 12px 0; padding: 12px; border-radius: 6px; background: #fff4e5; color: #8a4b00; }
  #message[hidden], #result[hidden] { display: none; }
  .month { background: #fff; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
  .month h2 { margin: 0 0 6px; font-size: 16px; }
  .month dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; }
  .month dt { color: #5c6670; }
  .month dd { margin: 0; }
  .status { display: inline-block; padding: 0 8px; border-radius: 4px; color: #fff; font-size: 14px; }
  .paid { background: #2e7d32; } .paid-late { background: #8a6d00; } .short, .unpaid { background: #c62828; } .not-yet-due { background: #5c6670; }
  .findings { color: #c62828; margin: 6px 0 0; }
  footer { font-size: 13px; color: #5c6670; margin-top: 24px; }`;

const BODY = `<header>
  <h1>工资查询</h1>
  <p>建设工程农民工工资：查询本人每月应发、实发和发放日期</p>
</header>
<main>
  <form id="lookup" novalidate>
    <label>身份证号
      <input id="idNumber" name="idNumber" autocomplete="off" inputmode="text" maxlength="18" required>
    </label>
    <label>工资卡（登记的银行卡）后六位
      <input id="cardLast6" name="cardLast6" autocomplete="off" inputmode="numeric" maxlength="6" required>
      <span class="hint">只显示您本人的工资记录；信息不符时不会显示任何内容。</span>
    </label>
    <button type="submit">查询</button>
  </form>
  <div id="message" role="alert" hidden></div>
  <section id="result" aria-live="polite" hidden>
    <p id="who"></p>
    <div id="months"></div>
  </section>
  <footer>如工资被拖欠，可<a href="/public/clues.html">在线反映欠薪</a>，或向项目所在地人力资源社会保障部门劳动保障监察机构反映。</footer>
</main>`;

const SCRIPT = `(() => {
  const STATUS = { paid: '已按时足额发放', 'paid-late': '已足额发放（延迟）', short: '未足额发放', unpaid: '未发放', 'not-yet-due': '未到发放日' };
  const $ = (id) => document.getElementById(id);
  const text = (tag, t, cls) => { const e = document.createElement(tag); e.textContent = t; if (cls) e.className = cls; return e; };
  const yuan = (s) => '¥' + s.replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
  function say(t) { $('message').textContent = t; $('message').hidden = false; $('result').hidden = true; }
  $('lookup').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const idNumber = $('idNumber').value.trim().toUpperCase();
    const cardLast6 = $('cardLast6').value.trim();
    if (idNumber.length !== 18) return say('请输入 18 位身份证号。');
    if (!/^\\d{6}$/.test(cardLast6)) return say('请输入银行卡号的后六位数字。');
    let res;
    try {
      res = await fetch('/public/wages/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idNumber, cardLast6 }) });
    } catch { return say('网络错误，请稍后再试。'); }
    const body = await res.json().catch(() => ({}));
    if (res.status === 429) return say('查询过于频繁，请稍后再试。');
    if (res.status === 404) return say('没有找到与这两项信息相符的工资记录，请核对身份证号和银行卡后六位。');
    if (res.status === 400) return say('身份证号或银行卡后六位格式不正确，请核对。');
    if (!res.ok) return say('查询失败，请稍后再试。');
    $('message').hidden = true;
    $('who').textContent = body.name + '：共 ' + body.months.length + ' 个月的工资记录';
    const list = $('months');
    list.replaceChildren();
    for (const m of body.months) {
      const card = document.createElement('article');
      card.className = 'month';
      card.dataset.period = m.period;
      const h = text('h2', m.period + ' 工资 · ' + m.projectName);
      card.append(h);
      const dl = document.createElement('dl');
      for (const [k, v] of [['应发', yuan(m.owed)], ['实发', yuan(m.paid)], ['应发放日', m.dueDate], ['最近发放', m.lastPaidOn || '—']]) dl.append(text('dt', k), text('dd', v));
      const st = document.createElement('dd');
      st.append(text('span', STATUS[m.status] || m.status, 'status ' + m.status));
      dl.append(text('dt', '状态'), st);
      card.append(dl);
      if (m.openFindings.length) card.append(text('p', '监察部门已记录：' + m.openFindings.join('、'), 'findings'));
      list.append(card);
    }
    for (const f of body.otherOpenFindings) list.append(text('p', f.projectName + '：' + f.finding, 'findings'));
    $('result').hidden = false;
  });
})();
`;

export const wageLookupPage = publicPageRoutes({
  path: '/public/wages',
  title: '工资查询',
  summary: '工资查询: the worker’s page',
  css: CSS,
  body: BODY,
  script: SCRIPT,
});
