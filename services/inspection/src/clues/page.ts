import { publicPageRoutes } from '@wagewatch/runtime';

/**
 * The worker's page of 反映欠薪 (issue 14 §5): Chinese, for a phone, no account. One form files a
 * report (`POST /public/clues`): the district, the project found by part of its name or typed as
 * the worker knows it, the months (offered by the server, by the system's clock), the amount, the
 * worker's name, ID number and phone. The answer is a reference; the second form asks for the
 * progress with the reference and the phone (`POST /public/clues/status`). A refused field is
 * named beside the field. Its script is a file of its own: the page's CSP allows no inline script.
 */
const CSS = `  nav { display: flex; gap: 8px; max-width: 640px; margin: 0 auto; padding: 12px 16px 0; }
  nav a { flex: 1; text-align: center; padding: 8px; border-radius: 6px; background: #e3e8ee; color: #163a5f; text-decoration: none; font-weight: 600; }
  h2 { font-size: 18px; margin: 8px 0; }
  form { background: #fff; border-radius: 8px; padding: 16px; display: grid; gap: 14px; margin-bottom: 20px; }
  label, fieldset { display: grid; gap: 4px; font-weight: 600; }
  fieldset { border: 0; padding: 0; margin: 0; }
  legend { font-weight: 600; padding: 0; margin-bottom: 4px; }
  input, select, textarea { font: inherit; width: 100%; padding: 10px; border: 1px solid #b8bfc6; border-radius: 6px; background: #fff; }
  textarea { min-height: 80px; }
  input[type=checkbox], input[type=radio] { width: auto; margin: 0 6px 0 0; }
  input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible { outline: 3px solid #2d5f93; outline-offset: 1px; }
  button.secondary { background: #e3e8ee; color: #163a5f; padding: 10px; }
  .row { display: flex; gap: 8px; } .row input { flex: 1; }
  .months { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; font-weight: 400; }
  .months label, .choices label { display: flex; align-items: center; font-weight: 400; }
  .choices { display: grid; gap: 6px; font-weight: 400; }
  .error { font-size: 14px; color: #c62828; font-weight: 400; }
  .error:empty { display: none; }
  .invalid { border-color: #c62828; }
  .notice { padding: 12px; border-radius: 6px; margin: 0 0 16px; }
  .notice[hidden] { display: none; }
  .warn { background: #fff4e5; color: #8a4b00; }
  .done { background: #e8f5e9; color: #1b5e20; }
  .reference { font-size: 22px; font-weight: 700; letter-spacing: 1px; }
  .answer { background: #fff; border-radius: 8px; padding: 12px 16px; margin: 8px 0; }
  .answer h3 { margin: 0 0 4px; font-size: 16px; }
  footer { font-size: 13px; color: #5c6670; margin-top: 24px; }`;

const BODY = `<header>
  <h1>反映欠薪</h1>
  <p>建设工程农民工工资被拖欠，可在这里向劳动保障监察机构反映；无需注册</p>
</header>
<nav><a href="#report">我要反映</a><a href="#progress">查询处理进度</a><a href="/public/wages.html">工资查询</a></nav>
<main>
  <h2 id="report">我要反映</h2>
  <div id="reportMessage" class="notice warn" role="alert" hidden></div>
  <div id="received" class="notice done" role="status" hidden>
    <p>已受理。您的受理编号：</p>
    <p class="reference" id="reference"></p>
    <p id="receivedText"></p>
    <p>请记下受理编号。凭受理编号和您填写的电话，可在本页“查询处理进度”查看监察员的答复。</p>
  </div>
  <form id="reportForm" novalidate>
    <label>项目所在区县
      <select id="district" name="district"><option value="">请选择</option></select>
      <span class="error" data-for="district"></span>
    </label>
    <div>
      <label for="projectQuery">项目名称（输入名称中的几个字查找）</label>
      <div class="row">
        <input id="projectQuery" name="projectQuery" autocomplete="off" maxlength="100">
        <button type="button" class="secondary" id="search">查找</button>
      </div>
      <fieldset class="choices" id="projects" aria-label="查找到的项目"></fieldset>
      <span class="error" data-for="projectId"></span>
      <span class="error" data-for="projectName"></span>
    </div>
    <fieldset>
      <legend>被拖欠工资的月份（可多选）</legend>
      <div class="months" id="months"></div>
      <span class="error" data-for="months"></span>
    </fieldset>
    <label>被拖欠的金额（元）
      <input id="amount" name="amount" inputmode="decimal" autocomplete="off" maxlength="20">
      <span class="error" data-for="amount"></span>
    </label>
    <label>姓名
      <input id="name" name="name" autocomplete="name" maxlength="30">
      <span class="error" data-for="name"></span>
    </label>
    <label>身份证号
      <input id="idNumber" name="idNumber" autocomplete="off" maxlength="18">
      <span class="error" data-for="idNumber"></span>
    </label>
    <label>联系电话
      <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20">
      <span class="hint">监察员会打这个电话回访；查询处理进度也要用它。</span>
      <span class="error" data-for="phone"></span>
    </label>
    <label>情况说明（选填）
      <textarea id="description" name="description" maxlength="500" placeholder="例如：班组长、包工头姓名，工资约定，讨要经过"></textarea>
      <span class="error" data-for="description"></span>
    </label>
    <p class="hint">您的身份证号和电话只有监察员能看到，不会告诉施工单位。</p>
    <button type="submit">提交反映</button>
  </form>

  <h2 id="progress">查询处理进度</h2>
  <form id="statusForm" novalidate>
    <label>受理编号
      <input id="statusReference" name="reference" autocomplete="off" maxlength="20" placeholder="XS20261207-7KQ2MD">
    </label>
    <label>反映时填写的电话
      <input id="statusPhone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20">
    </label>
    <button type="submit">查询</button>
  </form>
  <div id="statusMessage" class="notice warn" role="alert" hidden></div>
  <section id="status" aria-live="polite" hidden>
    <p id="statusSummary"></p>
    <div id="answers"></div>
  </section>
  <footer>也可拨打 12333 或到项目所在地人力资源社会保障部门劳动保障监察机构反映。</footer>
</main>`;

const SCRIPT = `(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...kids) => { const e = Object.assign(document.createElement(tag), props || {}); e.append(...kids); return e; };
  const yuan = (s) => '¥' + s.replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, ok: res.ok, body: await res.json().catch(() => ({})) };
  };
  const show = (id, text) => { $(id).textContent = text; $(id).hidden = !text; };
  const UNKNOWN = '__unknown__';

  async function options(q) {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if ($('district').value) params.set('district', $('district').value);
    const res = await fetch('/public/clues/projects?' + params);
    if (!res.ok) throw new Error(String(res.status));
    return res.json();
  }
  (async () => {
    try {
      const o = await options('');
      for (const d of o.districts) $('district').append(el('option', { value: d, textContent: d }));
      for (const m of o.months) {
        const [y, mm] = m.split('-');
        $('months').append(el('label', {}, el('input', { type: 'checkbox', name: 'months', value: m }), y + '年' + Number(mm) + '月'));
      }
    } catch { show('reportMessage', '页面加载失败，请刷新重试。'); }
  })();

  $('search').addEventListener('click', async () => {
    const q = $('projectQuery').value.trim();
    const box = $('projects');
    box.replaceChildren();
    if (q.length < 2) { box.append(el('p', { className: 'hint', textContent: '请至少输入项目名称中的两个字。' })); return; }
    let o;
    try { o = await options(q); } catch { box.append(el('p', { className: 'error', textContent: '查找失败，请稍后再试。' })); return; }
    for (const p of o.projects)
      box.append(el('label', {}, el('input', { type: 'radio', name: 'project', value: p.projectId }), p.name + '（' + p.district + '）'));
    if (!o.projects.length) box.append(el('p', { className: 'hint', textContent: '没有找到登记的项目。' }));
    box.append(el('label', {}, el('input', { type: 'radio', name: 'project', value: UNKNOWN, checked: !o.projects.length }), '列表中没有，按我填写的名称“' + q + '”反映'));
  });

  function clearErrors() {
    for (const e of document.querySelectorAll('.error[data-for]')) e.textContent = '';
    for (const e of document.querySelectorAll('.invalid')) e.classList.remove('invalid');
  }
  function fieldError(field, message) {
    const slot = document.querySelector('.error[data-for="' + field + '"]');
    if (slot) slot.textContent = slot.textContent ? slot.textContent + '；' + message : message;
    const input = $(field === 'projectId' || field === 'projectName' ? 'projectQuery' : field);
    if (input) input.classList.add('invalid');
    return !!slot;
  }

  $('reportForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    show('reportMessage', '');
    const chosen = document.querySelector('input[name=project]:checked');
    const body = {
      months: [...document.querySelectorAll('input[name=months]:checked')].map((c) => c.value),
      amount: $('amount').value.trim(),
      name: $('name').value.trim(),
      idNumber: $('idNumber').value.trim().toUpperCase(),
      phone: $('phone').value.trim(),
      description: $('description').value.trim(),
    };
    if (chosen && chosen.value !== UNKNOWN) body.projectId = chosen.value;
    else { body.projectName = $('projectQuery').value.trim(); body.district = $('district').value; }
    let res;
    try { res = await post('/public/clues', body); } catch { return show('reportMessage', '网络错误，请稍后再试。'); }
    if (res.status === 201) {
      $('reportForm').hidden = true;
      $('reference').textContent = res.body.reference;
      $('statusReference').value = res.body.reference;
      $('receivedText').textContent = res.body.receivedOn + ' 受理，' + (res.body.onProject
        ? '已转' + res.body.district + '劳动保障监察员处理（' + res.body.projectName + '）。'
        : '由' + res.body.district + '劳动保障监察员核实项目后处理。');
      $('received').hidden = false;
      $('received').scrollIntoView();
      return;
    }
    if (res.status === 429) return show('reportMessage', '提交过于频繁，请稍后再试，或拨打 12333 反映。');
    if (res.status === 400 && Array.isArray(res.body.errors)) {
      const unplaced = res.body.errors.filter((e) => !fieldError(e.field, e.message));
      show('reportMessage', '请按提示修改后重新提交。' + unplaced.map((e) => e.message).join('；'));
      return;
    }
    show('reportMessage', '提交失败，请稍后再试。');
  });

  $('statusForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('status').hidden = true;
    show('statusMessage', '');
    const reference = $('statusReference').value.trim().toUpperCase();
    const phone = $('statusPhone').value.trim();
    if (!reference || !phone) return show('statusMessage', '请填写受理编号和反映时填写的电话。');
    let res;
    try { res = await post('/public/clues/status', { reference, phone }); } catch { return show('statusMessage', '网络错误，请稍后再试。'); }
    if (res.status === 404) return show('statusMessage', '没有找到与受理编号和电话相符的反映记录，请核对。');
    if (res.status === 400) return show('statusMessage', '受理编号格式不正确，例如 XS20261207-7KQ2MD。');
    if (res.status === 429) return show('statusMessage', '查询过于频繁，请稍后再试。');
    if (!res.ok) return show('statusMessage', '查询失败，请稍后再试。');
    const c = res.body;
    $('statusSummary').textContent = c.reference + '：' + c.receivedOn + ' 受理，' + (c.projectName || '') + '，' + c.months.join('、') + ' 工资 ' + yuan(c.amount) + '。' + (c.status === 'closed' ? '已办结。' : c.answers.length ? '正在处理。' : '已受理，等待监察员回访。');
    const list = $('answers');
    list.replaceChildren();
    for (const a of c.answers) list.append(el('article', { className: 'answer' }, el('h3', { textContent: a.on + ' · ' + a.outcomeZh }), el('p', { textContent: a.text })));
    $('status').hidden = false;
  });
})();
`;

export const cluePage = publicPageRoutes({
  path: '/public/clues',
  title: '反映欠薪',
  summary: '反映欠薪: the worker’s page (report unpaid wages, ask for progress)',
  css: CSS,
  body: BODY,
  script: SCRIPT,
});
