// Browser tests of the survey's self-inspection, reminders and question-bank screens
// against the real server and the demo sector: an institution turns a gap of last
// year's closed campaign into a remediation item and works on it while another
// institution cannot see it and the regulator reads it; the coordination office sets
// reminder days and edits, then publishes, a draft bank; an institution is reminded of
// a campaign whose deadline is near and sets its contact address.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBrowserSession } from './harness.mjs';

// Reminder rounds every 2 s instead of every minute, so the reminder test waits seconds.
const session = useBrowserSession({ config: '[survey]\nreminder_interval_seconds = 2\n' });
const { apiUser, loggedIn } = session;
const state = {};

/** YYYY-MM-DD `days` from today (UTC, as the server checks due dates). */
function dayFromNow(days) {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

before(async () => {
  const coord = await apiUser('coord');
  state.coord = coord;
  const { items: campaigns } = await coord.ok('GET', '/survey/campaigns');
  state.open = campaigns.find((c) => c.status === 'open');
  state.closed = campaigns.find((c) => c.status === 'closed');
  assert.ok(state.open && state.closed, 'the demo has an open and a closed campaign');

  // A campaign whose deadline is three days away: the reminder scheduler (a round every
  // 2 s here) reminds its regional banks; the reminder test waits for that round.
  state.soon = await coord.ok('POST', '/survey/campaigns', {
    bank: state.open.bank.id,
    title: { ja: '臨時調査', en: 'Interim survey' },
    year: state.open.year + 1,
    categories: ['regional_bank'],
    deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });

  // A regional bank with gaps in last year's results that has submitted this year, so
  // that this year's results, once closed, say what became of its remediation item.
  for (let n = 1; n <= 25 && !state.username; n++) {
    const code = `rb${String(n).padStart(2, '0')}`;
    const user = await apiUser(`${code}.admin`);
    const results = await user.call('GET', `/survey/campaigns/${state.closed.id}/my/results`);
    if (results.status !== 200) continue;
    const now = await user.ok('GET', `/survey/campaigns/${state.open.id}/my`);
    if (now.assignment.status !== 'submitted') continue;
    const gap = results.body.own.items.find((i) => !i.met && !i.not_applicable);
    if (gap) {
      state.username = `${code}.admin`;
      state.member = `${code}.member`;
      state.orgId = user.orgId;
      state.user = user;
      state.gap = gap.item_id;
    }
  }
  assert.ok(state.gap, 'a regional bank missed an item last year and submitted this year');
  // A regional bank still answering this year, with an answered yes/no or maturity item.
  for (let n = 1; n <= 25 && !state.answering; n++) {
    const code = `rb${String(n).padStart(2, '0')}`;
    const user = await apiUser(`${code}.admin`);
    const q = await user.ok('GET', `/survey/campaigns/${state.open.id}/my`);
    if (q.assignment.status !== 'in_progress') continue;
    const items = q.sections.flatMap((s) => s.items.filter((i) => i.shown));
    const answered = items.find(
      (i) => (i.type === 'yes_no' || i.type === 'maturity') && i.answer !== null,
    );
    if (!answered) continue;
    state.answering = { username: `${code}.admin`, user, item: answered };
    state.answering.section = q.sections.find((s) => s.items.includes(answered)).id;
  }
  assert.ok(state.answering, 'a regional bank answering this year');
  state.other = await apiUser('mb01.admin');
  assert.notEqual(state.other.orgId, state.orgId);
});

describe('survey self-inspection, reminders and question banks', () => {
  it('an institution turns a gap into a remediation item, changes its status and reads its history', async () => {
    const page = await loggedIn(state.username);
    await page.goto(`${session.server.url}/#/survey/${state.closed.id}/results`);
    const section = page.getByTestId('survey-remediation');
    const gap = section.locator(`[data-testid="survey-rem-gaps"] [data-gap="${state.gap}"]`);
    await gap.getByRole('button', { name: '改善項目を作成' }).click();

    const form = page.getByTestId('survey-rem-create');
    // The title starts as the question's text, cut to the server's 200 bytes.
    const title = await form.getByLabel('件名').inputValue();
    assert.ok(title.length > 0 && Buffer.byteLength(title) <= 200, title);
    state.remTitle = title;
    await form.getByLabel('担当者', { exact: true }).selectOption({ index: 1 });
    await form.getByLabel('期限').fill(dayFromNow(30));
    await form.getByRole('button', { name: '作成する' }).click();

    const row = section.locator('[data-testid="survey-rem-items"] tr', { hasText: title });
    await row.locator('[data-rem-status="open"]').waitFor();
    state.remId = await row.getAttribute('data-rem');
    assert.ok(state.remId);
    // The gap now names its item instead of offering another.
    assert.ok((await gap.textContent()).includes(title));

    // Accepting a risk needs a note: the page says so before anything is sent.
    await row.getByRole('button', { name: '編集' }).click();
    const edit = page.getByTestId('survey-rem-edit');
    await edit.getByLabel('状態').selectOption('accepted_risk');
    await edit.getByRole('button', { name: '保存する' }).click();
    await edit.locator('[data-field-error]', { hasText: 'リスク受容の場合は理由' }).waitFor();

    await edit.getByLabel('状態').selectOption('in_progress');
    await edit.getByRole('button', { name: '保存する' }).click();
    await row.locator('[data-rem-status="in_progress"]').waitFor();

    await row.getByRole('button', { name: '履歴' }).click();
    const versions = page.locator(`[data-rem-history="${state.remId}"] > li`);
    await versions.nth(1).waitFor();
    assert.equal(await versions.count(), 2);
    assert.match(await versions.first().textContent(), /未着手 → 対応中/);

    const stored = await state.user.ok('GET', `/survey/remediation/${state.remId}`);
    assert.equal(stored.status, 'in_progress');
    assert.deepEqual(stored.item_ids, [state.gap]);

    // This year's questionnaire lists last year's items while they are being answered.
    await page.goto(`${session.server.url}/#/survey/${state.open.id}/answer`);
    const earlier = page.getByTestId('survey-rem-while-answering');
    await earlier.locator('summary').click();
    await earlier.locator(`[data-rem="${state.remId}"] [data-rem-status="in_progress"]`).waitFor();
  });

  it('another institution cannot see the item, and the regulator reads it without controls', async () => {
    assert.equal((await state.other.call('GET', `/survey/remediation/${state.remId}`)).status, 404);
    const listed = await state.other.ok('GET', '/survey/remediation');
    assert.ok(listed.items.every((i) => i.id !== state.remId));
    const other = await loggedIn('mb01.admin');
    await other.goto(`${session.server.url}/#/survey/${state.closed.id}/org/${state.orgId}`);
    await other.getByTestId('survey-not-found').waitFor();
    assert.ok(!(await other.locator('main').textContent()).includes(state.remTitle));

    const regulator = await loggedIn('coord');
    await regulator.goto(`${session.server.url}/#/survey/${state.closed.id}/org/${state.orgId}`);
    const section = regulator.getByTestId('survey-remediation');
    const row = section.locator(`[data-rem="${state.remId}"]`);
    await row.locator('[data-rem-status="in_progress"]').waitFor();
    assert.equal(await section.getByRole('button', { name: '編集' }).count(), 0);
    assert.equal(await section.getByRole('button', { name: '改善項目を作成' }).count(), 0);
    assert.equal(await section.getByTestId('survey-rem-all').count(), 0);
    await row.getByRole('button', { name: '履歴' }).click();
    await regulator.locator(`[data-rem-history="${state.remId}"] > li`).nth(1).waitFor();
    state.regulator = regulator;
  });

  it('the coordination office sets reminder days, with bad input named before saving', async () => {
    const page = state.regulator;
    await page.goto(`${session.server.url}/#/survey/${state.open.id}`);
    const panel = page.getByTestId('survey-reminder-days');
    await panel.locator('[data-reminder-days]', { hasText: '14、7、1' }).waitFor();
    // The deadline is shown in Japan time whatever the browser's zone.
    assert.match(await page.locator('main dl.facts').textContent(), /（日本時間）/);

    const input = panel.getByLabel('通知する日（期限の何日前か）');
    await input.fill('0, 400');
    await panel.getByRole('button', { name: '保存する' }).click();
    await panel.locator('[data-field-error]', { hasText: '1〜365' }).waitFor();
    await input.fill('3, 10');
    await panel.getByRole('button', { name: '保存する' }).click();
    await panel.locator('[data-reminder-days]', { hasText: '10、3' }).waitFor();
    const stored = await state.coord.ok('GET', `/survey/campaigns/${state.open.id}/reminders`);
    assert.deepEqual(stored.days, [10, 3]);
  });

  it('the coordination office saves an invalid draft bank, sees the problems, fixes it and publishes', async () => {
    const page = state.regulator;
    await page.goto(`${session.server.url}/#/survey`);
    await page.getByRole('link', { name: '設問集の管理' }).click();
    await page.getByTestId('survey-banks').waitFor();
    await page.getByRole('button', { name: '下書きを取り込む' }).click();
    const yaml = (condition) =>
      [
        'id: e2e-bank',
        'version: "1"',
        'title: {ja: 試験用設問集, en: Test bank}',
        'maturity_scale:',
        ...['〇', '一', '二', '三', '四'].map((ja, n) => `  - {ja: ${ja}, en: level ${n}}`),
        'sections:',
        '  - id: s1',
        '    title: {ja: 第一部, en: Part one}',
        '    items:',
        '      - id: a.one',
        '        text: {ja: 資産目録はありますか, en: Is there an asset inventory}',
        '        type: yes_no',
        '        function: identify',
        '        threats: [outage]',
        '        csf: [ID.AM-01]',
        '      - id: a.two',
        '        text: {ja: 更新していますか, en: Is it kept up to date}',
        '        type: maturity',
        '        function: identify',
        `        condition: '${condition}'`,
      ].join('\n');
    await page.locator('#survey-bank-import-text').fill(yaml('answer(a.one) == "yes"'));
    await page.getByRole('button', { name: '取り込む' }).click();
    const editor = page.getByTestId('survey-bank-editor');
    await editor.waitFor();

    await page.locator('#survey-bank-source').fill(yaml('answer(a.zero) == "yes"'));
    await editor.getByRole('button', { name: '保存する' }).click();
    const problems = page.getByTestId('survey-bank-problems');
    await problems.waitFor();
    const problem = problems.locator('[data-rule="unknown_item"]');
    await problem.waitFor();
    assert.match(await problem.textContent(), /a\.two/);
    // The problem is said in the UI language from its code, not in the server's English.
    assert.match(await problem.textContent(), /項目「a\.zero」はありません/);
    assert.doesNotMatch(await problem.textContent(), /no item/);

    await page.locator('#survey-bank-source').fill(yaml('answer(a.one) == "yes"'));
    await editor.getByRole('button', { name: '保存する' }).click();
    await editor.locator('.alert-success').waitFor();
    assert.equal(await problems.count(), 0);
    await editor.getByRole('button', { name: '公開する' }).click();
    await page.locator('dialog.survey-dialog button.button-primary').click();
    await page.locator('[data-bank-status="published"]').waitFor();
    assert.equal(await editor.count(), 0);

    const items = page.getByTestId('survey-bank-items');
    await items.locator('[data-bank-section="s1"] summary').click();
    const row = items.locator('[data-bank-item="a.one"]');
    assert.match(await row.textContent(), /はい／いいえ/);
    assert.match(await row.textContent(), /ID\.AM-01/);

    // Next year's version starts from this one as a new draft.
    await page.getByRole('button', { name: 'この設問集をもとに新しい版を作成' }).click();
    const copy = page.locator('#survey-bank-import-text');
    assert.match(await copy.inputValue(), /id: e2e-bank/);
    await copy.fill((await copy.inputValue()).replace('version: "1"', 'version: "2"'));
    await page.getByRole('button', { name: '取り込む' }).click();
    await page.getByTestId('survey-bank-editor').waitFor();
    assert.match(await page.locator('main dl.facts').textContent(), /版\s*2/);
  });

  it('an institution admin sets the contact address and a member reads it', async () => {
    const admin = await loggedIn(state.username);
    await admin.goto(`${session.server.url}/#/survey`);
    const contact = admin.getByTestId('survey-contact');
    const input = contact.getByLabel('メールアドレス');
    await input.fill('not-an-address');
    await contact.getByRole('button', { name: '保存する' }).click();
    await contact.locator('[data-field-error]').waitFor();
    await input.fill('survey@rb.example.jp');
    await contact.getByRole('button', { name: '保存する' }).click();
    await contact.locator('.alert-success').waitFor();

    const member = await loggedIn(state.member);
    await member.goto(`${session.server.url}/#/survey`);
    await member
      .getByTestId('survey-contact')
      .locator('[data-contact-email]', { hasText: 'survey@rb.example.jp' })
      .waitFor();
    assert.equal(await member.getByTestId('survey-contact').locator('input').count(), 0);
    state.memberPage = member;
  });

  it('an institution attaches evidence to an item, sees refused files explained, downloads and deletes it', async () => {
    const { username, item } = state.answering;
    const page = await loggedIn(username);
    await page.goto(
      `${session.server.url}/#/survey/${state.open.id}/answer?section=${state.answering.section}`,
    );
    const evidence = page.locator(`[data-evidence="${item.id}"]`);
    await evidence.locator('summary').click();
    const input = evidence.locator('input[type=file]');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

    // A program renamed to .pdf, then a file over the 10 MiB limit: the server refuses
    // both and the page says why in Japanese.
    await input.setInputFiles({
      name: 'report.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
    });
    const problem = page.locator(`[data-evidence-error="${item.id}"]`);
    await problem.filter({ hasText: 'この種類のファイルは添付できません' }).waitFor();
    await input.setInputFiles({
      name: 'large.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]),
    });
    await problem.filter({ hasText: '大きすぎます' }).waitFor();

    await input.setInputFiles({ name: '規程 2026.pdf', mimeType: 'application/pdf', buffer: pdf });
    const listed = evidence.locator('[data-evidence-file="規程 2026.pdf"]');
    await listed.waitFor();
    assert.equal(await problem.count(), 0);
    const download = await page.request.get(
      new URL(await listed.locator('a').getAttribute('href'), session.server.url).href,
    );
    assert.equal(download.status(), 200);
    assert.deepEqual(await download.body(), pdf);

    // Another institution cannot fetch it.
    const stored = await state.answering.user.ok(
      'GET',
      `/survey/campaigns/${state.open.id}/my/evidence`,
    );
    const file = stored.items.find((f) => f.filename === '規程 2026.pdf');
    assert.equal(
      (
        await state.other.call(
          'GET',
          `/survey/campaigns/${state.open.id}/assignments/${state.answering.user.orgId}/answers/${item.id}/evidence/${file.id}`,
        )
      ).status,
      404,
    );

    // The regulator's drill-down lists it for download, without a delete button.
    await state.regulator.goto(
      `${session.server.url}/#/survey/${state.open.id}/org/${state.answering.user.orgId}`,
    );
    const seen = state.regulator.locator(
      `[data-evidence="${item.id}"] [data-evidence-file="規程 2026.pdf"]`,
    );
    await seen.waitFor();
    assert.equal(await seen.getByRole('button').count(), 0);

    await listed.getByRole('button', { name: '削除' }).click();
    await listed.waitFor({ state: 'detached' });
    state.answeringPage = page;
  });

  it('an institution downloads its answers as Excel, sees every rejected row of a stale workbook, and imports a fresh one', async () => {
    const page = state.answeringPage;
    const { item, user } = state.answering;
    const panel = page.getByTestId('survey-workbook');
    await panel.locator('summary').click();
    const exportNow = async () => {
      const response = await page.request.get(
        new URL(
          await panel.locator('[data-workbook="ja"]').getAttribute('href'),
          session.server.url,
        ).href,
      );
      assert.equal(response.status(), 200);
      const bytes = await response.body();
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
      return bytes;
    };
    const stale = await exportNow();

    // The answer changes after the export: importing the old workbook would overwrite it.
    const current = item.answer.value;
    const changed =
      item.type === 'yes_no' ? (current === 'yes' ? 'no' : 'yes') : current === 2 ? 3 : 2;
    await user.ok('PUT', `/survey/campaigns/${state.open.id}/my/answers/${item.id}`, {
      value: changed,
    });
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const input = panel.locator('#survey-workbook-file');
    await input.setInputFiles({ name: 'answers.xlsx', mimeType: xlsx, buffer: stale });
    const problems = page.getByTestId('survey-workbook-problems');
    await problems.waitFor();
    assert.match(await problems.textContent(), /取り込みませんでした/);
    const row = problems.locator('tr', { hasText: item.id });
    assert.match(
      await row.textContent(),
      /書き出し後に回答が変更されています（現在は版 \d+、更新者 /,
    );
    assert.doesNotMatch(await row.textContent(), /changed since the export/);

    await input.setInputFiles({ name: 'notes.xlsx', mimeType: xlsx, buffer: Buffer.from('hello') });
    await problems.filter({ hasText: 'このファイルは取り込めません' }).waitFor();

    // Another institution's workbook is refused whole, and said so in Japanese.
    const otherPage = await loggedIn(state.username);
    const foreign = await otherPage.request.get(
      `${session.server.url}/api/v1/survey/campaigns/${state.open.id}/my/workbook?lang=ja`,
    );
    assert.equal(foreign.status(), 200);
    const foreignBytes = await foreign.body();
    await otherPage.context().close();
    await input.setInputFiles({ name: 'theirs.xlsx', mimeType: xlsx, buffer: foreignBytes });
    await problems.filter({ hasText: '別の調査または別の金融機関のために書き出された' }).waitFor();
    assert.doesNotMatch(await problems.textContent(), /another campaign/);

    const fresh = await exportNow();
    await input.setInputFiles({ name: 'answers.xlsx', mimeType: xlsx, buffer: fresh });
    await panel.locator('.alert-success', { hasText: '行を読み込みました' }).waitFor();
    assert.equal(await problems.count(), 0);
    const after = await user.ok('GET', `/survey/campaigns/${state.open.id}/my/answers/${item.id}`);
    assert.deepEqual(after.answer.value, changed);
  });

  it('an institution sees the reminder of a deadline three days away, on the home page and the survey list', async () => {
    // The scheduler's first round ran at start-up, before the campaign existed.
    const deadline = Date.now() + 30_000;
    let reminders = [];
    while (Date.now() < deadline) {
      reminders = (await state.user.ok('GET', '/survey/reminders/my')).items;
      if (reminders.some((r) => r.campaign_id === state.soon.id)) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.ok(
      reminders.some((r) => r.campaign_id === state.soon.id),
      'the scheduler reminded the institution',
    );
    const page = state.memberPage;
    await page.goto(`${session.server.url}/#/`);
    const notice = page
      .getByTestId('survey-reminders')
      .locator(`[data-reminder="${state.soon.id}"]`);
    await notice.waitFor();
    assert.match(await notice.textContent(), /臨時調査/);
    assert.match(await notice.locator('[data-days-left]').textContent(), /あと [23] 日/);
    assert.match(await notice.textContent(), /（日本時間）/);
    await page.goto(`${session.server.url}/#/survey`);
    await page
      .getByTestId('survey-reminders')
      .locator(`[data-reminder="${state.soon.id}"]`)
      .waitFor();

    // The coordination office follows the reminders up per institution.
    await state.regulator.goto(`${session.server.url}/#/survey/${state.soon.id}`);
    const sent = state.regulator.getByTestId('survey-reminders-sent');
    await sent.locator('summary').click();
    const row = sent.locator(`[data-sent-org="${state.orgId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /期限の 7 日前/);
    assert.match(
      await row.locator('[data-mail]').textContent(),
      /連絡先なし|送信待ち|送信済み|送信失敗/,
    );
  });

  it("this year's results, once the campaign closes, say whether last year's item was closed", async () => {
    await state.coord.ok('POST', `/survey/campaigns/${state.open.id}/close`);
    const results = await state.user.ok('GET', `/survey/campaigns/${state.open.id}/my/results`);
    const met = results.own.items.find((i) => i.item_id === state.gap)?.met === true;

    const page = await loggedIn(state.username);
    await page.goto(`${session.server.url}/#/survey/${state.open.id}/results`);
    const earlier = page.getByTestId('survey-rem-earlier');
    const list = earlier.getByTestId(met ? 'survey-rem-closed' : 'survey-rem-still-open');
    await list.locator(`[data-rem="${state.remId}"]`).waitFor();
    assert.equal(
      await earlier
        .getByTestId(met ? 'survey-rem-still-open' : 'survey-rem-closed')
        .locator(`[data-rem="${state.remId}"]`)
        .count(),
      0,
    );
  });
});
