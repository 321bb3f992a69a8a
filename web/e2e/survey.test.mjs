// Browser tests of the sector survey against the real server and the demo's two
// campaigns (last year's closed, this year's open). One institution still answering
// this year is brought close to complete through the API; the browser answers the rest,
// answers an evidence item with a file, submits, asks to reopen, and the coordination
// office grants it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBrowserSession } from './harness.mjs';

const session = useBrowserSession();
const { apiUser, loggedIn } = session;

const shownItems = (q) => q.sections.flatMap((s) => s.items.filter((i) => i.shown));
const isScored = (i) =>
  i.type === 'maturity' ||
  i.type === 'yes_no' ||
  (i.type === 'number' && (i.number.met_min !== undefined || i.number.met_max !== undefined)) ||
  ((i.type === 'single_choice' || i.type === 'multiple_choice') &&
    i.choices.some((c) => c.credit !== undefined));

function validValue(item) {
  switch (item.type) {
    case 'maturity':
      return 3;
    case 'yes_no':
      return 'yes';
    case 'number':
      return item.number.met_min ?? item.number.met_max ?? item.number.min;
    case 'single_choice':
      return item.choices[0].id;
    default:
      return [item.choices[0].id];
  }
}

const state = {};

before(async () => {
  const coord = await apiUser('coord');
  const { items: campaigns } = await coord.ok('GET', '/survey/campaigns');
  state.open = campaigns.find((c) => c.status === 'open');
  state.closed = campaigns.find((c) => c.status === 'closed');
  assert.ok(state.open && state.closed, 'the demo has an open and a closed campaign');

  // A regional bank still answering this year.
  for (const code of ['rb01', 'rb02', 'rb03', 'rb04']) {
    const user = await apiUser(`${code}.admin`);
    const q = await user.ok('GET', `/survey/campaigns/${state.open.id}/my`);
    if (q.assignment.status === 'in_progress') {
      state.username = `${code}.admin`;
      state.orgId = user.orgId;
      state.user = user;
      break;
    }
  }
  assert.ok(state.username, 'an institution still answering');

  // Two items the browser answers: a yes/no or maturity item and a scored number item,
  // neither of which another item's condition reads.
  let q = await state.user.ok('GET', `/survey/campaigns/${state.open.id}/my`);
  const conditions = q.sections.flatMap((s) => s.items.map((i) => i.condition ?? '')).join(' ');
  const free = shownItems(q).filter((i) => !conditions.includes(`answer(${i.id})`));
  const pick = (test) => free.find((i) => test(i) && i.answer === null) ?? free.find(test);
  state.radio = pick((i) => i.type === 'yes_no' || i.type === 'maturity');
  state.number = pick((i) => i.type === 'number' && isScored(i));
  assert.ok(state.radio && state.number, 'items to answer in the browser');
  state.sectionOf = (id) => q.sections.find((s) => s.items.some((i) => i.id === id)).id;
  state.radioSection = state.sectionOf(state.radio.id);
  state.numberSection = state.sectionOf(state.number.id);
  state.onlineServices = shownItems(q).find((i) => i.id === 'profile.online_services');

  // Everything else through the API; answers can reveal further items, so go round again.
  const skip = new Set([state.radio.id, state.number.id]);
  for (let round = 0; round < 5; round++) {
    const todo = shownItems(q).filter((i) => isScored(i) && i.answer === null && !skip.has(i.id));
    if (todo.length === 0) break;
    for (const item of todo) {
      await state.user.ok('PUT', `/survey/campaigns/${state.open.id}/my/answers/${item.id}`, {
        value: validValue(item),
      });
    }
    q = await state.user.ok('GET', `/survey/campaigns/${state.open.id}/my`);
  }
  // Clear the two so the browser gives them.
  for (const id of skip) {
    await state.user.ok('PUT', `/survey/campaigns/${state.open.id}/my/answers/${id}`, {
      value: null,
    });
  }

  // Another institution's submitted assignment, for the isolation check.
  const { items: others } = await coord.ok(
    'GET',
    `/survey/campaigns/${state.closed.id}/assignments`,
  );
  state.other = others.find((a) => a.org_id !== state.orgId && a.status === 'submitted');
});

const item = (page, id) => page.locator(`[data-item="${id}"]`);
const saved = (page, id) => item(page, id).locator('[data-save-state="saved"]').waitFor();

async function openSection(page, section) {
  await page.click(`nav.survey-sections [data-section="${section}"]`);
  await page.locator(`[data-section="${section}"][aria-current="page"]`).waitFor();
}

async function confirmDialog(page) {
  await page.locator('dialog.survey-dialog button.button-primary').click();
}

describe('sector survey', () => {
  let institution;
  let regulator;

  it('an institution answers with autosave and a comment, sees a range error at the item, keeps its answers on reload and reads the history', async () => {
    institution = await loggedIn(state.username);
    await institution.locator('nav.sidenav a', { hasText: 'アンケート調査' }).click();
    const row = institution.locator(
      `[data-testid="survey-open"] [data-campaign="${state.open.id}"]`,
    );
    await row.getByRole('link', { name: '回答する' }).click();
    await institution.getByTestId('survey-overall-progress').waitFor();

    await openSection(institution, state.radioSection);
    const choice = state.radio.type === 'yes_no' ? 'はい' : 'レベル 3';
    await item(institution, state.radio.id).locator('label', { hasText: choice }).click();
    await saved(institution, state.radio.id);
    await item(institution, state.radio.id).locator('summary', { hasText: 'コメント' }).click();
    const comment = institution.locator(`[id="answer-${state.radio.id}-comment"]`);
    await comment.fill('内部監査で確認済み');
    await comment.press('Tab');
    await saved(institution, state.radio.id);

    await openSection(institution, state.numberSection);
    const input = institution.locator(`[id="answer-${state.number.id}-input"]`);
    await input.fill(String(state.number.number.max + 1));
    await input.press('Tab');
    const problem = institution.locator(`[data-item-error="${state.number.id}"]`);
    await problem.waitFor();
    assert.match(await problem.textContent(), /の範囲で入力してください/);
    const good = validValue(state.number);
    await input.fill(String(good));
    await input.press('Tab');
    await saved(institution, state.number.id);
    assert.equal(await problem.count(), 0);

    await institution.reload();
    await item(institution, state.number.id).waitFor();
    assert.equal(
      await institution.locator(`[id="answer-${state.number.id}-input"]`).inputValue(),
      String(good),
    );
    await openSection(institution, state.radioSection);
    const checked = item(institution, state.radio.id).locator('label:has(input:checked)');
    assert.match(await checked.textContent(), new RegExp(choice));
    assert.equal(await comment.inputValue(), '内部監査で確認済み');

    // Its history: the answer, then the answer with the comment, newest first.
    await item(institution, state.radio.id).getByRole('button', { name: '回答履歴' }).click();
    const versions = institution.locator(`[data-history="${state.radio.id}"] li`);
    await versions.first().waitFor();
    assert.ok((await versions.count()) >= 2);
    assert.match(await versions.first().textContent(), /内部監査で確認済み/);
  });

  it('shows and hides conditional items as the server evaluates them', async () => {
    // The mission's bank asks about customers' environment only when online services exist.
    const online = state.onlineServices;
    const before = online.answer.value;
    const other =
      before === 'none' ? online.choices[0] : online.choices.find((c) => c.id === 'none');
    const original = online.choices.find((c) => c.id === before);
    const dependent = item(institution, 'co.customer_environment');

    await openSection(institution, 'customer_outreach');
    const shownBefore = (await dependent.count()) === 1;
    await openSection(institution, 'profile');
    await item(institution, online.id).locator('label', { hasText: other.label.ja }).click();
    await saved(institution, online.id);
    await openSection(institution, 'customer_outreach');
    await dependent.waitFor({ state: shownBefore ? 'detached' : 'attached' });

    await openSection(institution, 'profile');
    await item(institution, online.id).locator('label', { hasText: original.label.ja }).click();
    await saved(institution, online.id);
    await openSection(institution, 'customer_outreach');
    await dependent.waitFor({ state: shownBefore ? 'attached' : 'detached' });
  });

  it('answers an evidence item by uploading a file, and unanswers it when the last file goes', async () => {
    const evidenceItem = 'id.assessment_report';
    const section = state.sectionOf(evidenceItem);
    await openSection(institution, section);
    const progress = institution.locator(
      `nav.survey-sections [data-section="${section}"] .survey-progress .small`,
    );
    const counts = async () => /(\d+) \/ (\d+)/.exec(await progress.textContent()).slice(1, 3);
    const [answered, shown] = await counts();
    const answer = item(institution, evidenceItem).locator(`[data-evidence="${evidenceItem}"]`);
    // The upload control is the item's answer: no text box to type a reference in.
    await answer.waitFor();
    assert.equal(await answer.getAttribute('data-evidence-answer'), '0');
    assert.equal(await item(institution, evidenceItem).locator('textarea').count(), 0);

    const pdf = '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n';
    await institution.setInputFiles(`[id="evidence-${evidenceItem}-file"]`, {
      name: '評価報告書.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(pdf),
    });
    await answer.locator('[data-evidence-file="評価報告書.pdf"]').waitFor();
    await institution
      .locator(`[data-evidence="${evidenceItem}"][data-evidence-answer="1"]`)
      .waitFor();
    await progress.filter({ hasText: `${Number(answered) + 1} / ${shown}` }).waitFor();
    const q = await state.user.ok('GET', `/survey/campaigns/${state.open.id}/my`);
    const stored = q.sections.flatMap((s) => s.items).find((i) => i.id === evidenceItem);
    assert.deepEqual(stored.answer.value, ['評価報告書.pdf']);

    // Deleting the last file leaves the item unanswered again; a new file answers it.
    await answer.getByRole('button', { name: '削除' }).click();
    await institution
      .locator(`[data-evidence="${evidenceItem}"][data-evidence-answer="0"]`)
      .waitFor();
    await progress.filter({ hasText: `${answered} / ${shown}` }).waitFor();
    await institution.setInputFiles(`[id="evidence-${evidenceItem}-file"]`, {
      name: 'report.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(pdf),
    });
    await progress.filter({ hasText: `${Number(answered) + 1} / ${shown}` }).waitFor();
  });

  it('submits under management attestation and is then locked', async () => {
    await openSection(institution, state.radioSection);
    await institution.fill('#survey-exec-name', '山田 太郎');
    await institution.fill('#survey-exec-title', '代表取締役社長');
    await institution.getByTestId('survey-submit').locator('button[type=submit]').click();
    await confirmDialog(institution);
    const locked = institution.getByTestId('survey-locked');
    await locked.waitFor();
    assert.match(await locked.textContent(), /山田 太郎（代表取締役社長）/);
    const radios = item(institution, state.radio.id).locator('input[type=radio]');
    assert.equal(await radios.first().isDisabled(), true);
    assert.equal(await institution.getByTestId('survey-submit').count(), 0);
    // The evidence item's file stays, listed without upload or delete.
    await openSection(institution, state.sectionOf('id.assessment_report'));
    const files = item(institution, 'id.assessment_report');
    await files.locator('[data-evidence-file="report.pdf"]').waitFor();
    assert.equal(await files.locator('input[type=file]').count(), 0);
    assert.equal(await files.getByRole('button', { name: '削除' }).count(), 0);
    await openSection(institution, state.radioSection);
  });

  it('the coordination office sees the submission and grants a reopen request', async () => {
    regulator = await loggedIn('coord');
    await regulator.goto(`${session.server.url}/#/survey/${state.open.id}`);
    const row = regulator.locator(`[data-testid="survey-assignments"] [data-org="${state.orgId}"]`);
    await row.locator('[data-status="submitted"]').waitFor();
    assert.match(await row.textContent(), /山田 太郎/);

    await institution.fill('#survey-reopen-reason', '回答の誤りを訂正するため');
    await institution.getByTestId('survey-reopen').locator('button[type=submit]').click();
    await institution.getByTestId('survey-locked').filter({ hasText: '再開を依頼中' }).waitFor();

    await regulator.reload();
    await row.locator('[data-status="reopen_requested"]').waitFor();
    assert.match(await row.textContent(), /回答の誤りを訂正するため/);
    await row.getByRole('button', { name: '再開を承認' }).click();
    await confirmDialog(regulator);
    await row.locator('[data-status="in_progress"]').waitFor();

    await institution.reload();
    await item(institution, state.radio.id).waitFor();
    assert.equal(await institution.getByTestId('survey-locked').count(), 0);
    assert.equal(
      await item(institution, state.radio.id).locator('input[type=radio]').first().isDisabled(),
      false,
    );
  });

  it('the coordination office extends a deadline, with the server objecting to an earlier one', async () => {
    const row = regulator.locator(`[data-testid="survey-assignments"] [data-org="${state.orgId}"]`);
    const date = row.locator('input[type=date]');
    await date.fill('2000-01-01');
    await row.getByRole('button', { name: '期限を延長' }).click();
    await confirmDialog(regulator);
    const error = row.locator('[data-action-error]');
    await error.waitFor();
    assert.match(await error.textContent(), /より後の日付を指定してください/);

    const later = new Date(state.open.deadline);
    later.setUTCDate(later.getUTCDate() + 14);
    const day = later.toISOString().slice(0, 10);
    await date.fill(day);
    await row.getByRole('button', { name: '期限を延長' }).click();
    await confirmDialog(regulator);
    await row.locator('.badge', { hasText: '延長' }).waitFor();
    const extended = await state.user.ok('GET', `/survey/campaigns/${state.open.id}/assignments`);
    assert.equal(extended.items[0].deadline.slice(0, 10), day);
  });

  it('the coordination office declines a second reopen request and the answers stay locked', async () => {
    await institution.reload();
    await institution.fill('#survey-exec-name', '山田 太郎');
    await institution.fill('#survey-exec-title', '代表取締役社長');
    await institution.getByTestId('survey-submit').locator('button[type=submit]').click();
    await confirmDialog(institution);
    await institution.getByTestId('survey-locked').waitFor();
    await institution.fill('#survey-reopen-reason', '再度の訂正');
    await institution.getByTestId('survey-reopen').locator('button[type=submit]').click();
    await institution.getByTestId('survey-locked').filter({ hasText: '再開を依頼中' }).waitFor();

    await regulator.reload();
    const row = regulator.locator(`[data-testid="survey-assignments"] [data-org="${state.orgId}"]`);
    await row.locator('[data-status="reopen_requested"]').waitFor();
    await row.getByRole('textbox', { name: '却下の理由' }).fill('締切間際のため');
    await row.getByRole('button', { name: '再開を却下' }).click();
    await confirmDialog(regulator);
    await row.locator('[data-status="submitted"]').waitFor();

    await institution.reload();
    await institution.getByTestId('survey-locked').filter({ hasText: '提出済み' }).waitFor();
    assert.equal(
      await item(institution, state.radio.id).locator('input[type=radio]').first().isDisabled(),
      true,
    );
  });

  it('the regulator sees the sector view of the closed campaign and downloads the sector report', async () => {
    await regulator.goto(
      `${session.server.url}/#/survey/${state.closed.id}/sector?category=regional_bank`,
    );
    const category = regulator.locator(
      '[data-testid="survey-category"][data-category="regional_bank"]',
    );
    await category.waitFor();
    assert.equal(
      await category.getByTestId('survey-sector-heatmap').locator('tbody td').count(),
      24,
    );
    assert.ok((await category.getByTestId('survey-most-missed').locator('li').count()) > 0);
    await category.getByTestId('survey-bands').locator(`a[href*="${state.orgId}"]`).waitFor();

    const link = regulator.getByTestId('survey-sector-downloads').locator('[data-report="pdf-en"]');
    const response = await regulator.request.get(
      new URL(await link.getAttribute('href'), session.server.url).href,
    );
    assert.equal(response.status(), 200);
    assert.equal((await response.body()).subarray(0, 4).toString('latin1'), '%PDF');
  });

  it("a bureau rates a supervised institution's item beside its self-assessment", async () => {
    const bureau = await loggedIn('supervisor');
    await bureau.goto(`${session.server.url}/#/survey/${state.open.id}`);
    const first = bureau.locator('[data-testid="survey-assignments"] tbody tr th a').first();
    await first.waitFor();
    // Bureaus neither close campaigns nor extend deadlines.
    assert.equal(await bureau.getByRole('button', { name: '調査を締め切る' }).count(), 0);
    assert.equal(await bureau.getByRole('button', { name: '期限を延長' }).count(), 0);
    await first.click();
    const article = bureau.locator('[data-item]:has(.survey-rating [role="radiogroup"])').first();
    await article.waitFor();
    const rated = article.locator('.survey-rating [role="radiogroup"]');
    const id = await article.getAttribute('data-item');
    await rated.locator('input[type=radio]').first().check();
    await article.locator('.survey-rating [data-save-state="saved"]').waitFor();
    await bureau.reload();
    const again = bureau.locator(`[data-item="${id}"] .survey-rating input[type=radio]`).first();
    await again.waitFor();
    assert.equal(await again.isChecked(), true);
  });

  it("shows last year's results with the heatmap and downloads the PDF report", async () => {
    await institution.goto(`${session.server.url}/#/survey`);
    const row = institution.locator(
      `[data-testid="survey-past"] [data-campaign="${state.closed.id}"]`,
    );
    await row.getByRole('link', { name: '結果を見る' }).click();
    const heatmap = institution.getByTestId('survey-heatmap');
    await heatmap.waitFor();
    assert.equal(await heatmap.locator('tbody tr').count(), 4);
    assert.equal(await heatmap.locator('tbody td').count(), 24);
    const scored = heatmap.locator('tbody td[class^="heat-"]:not(.heat-none)').first();
    assert.match(await scored.getAttribute('class'), /^heat-[0-4]$/);
    assert.match(await scored.locator('.heat-score').textContent(), /^\d{1,3}\.\d$/);

    const link = institution.locator('[data-report="pdf-ja"]');
    const response = await institution.request.get(
      new URL(await link.getAttribute('href'), session.server.url).href,
    );
    assert.equal(response.status(), 200);
    const body = await response.body();
    assert.equal(body.subarray(0, 4).toString('latin1'), '%PDF');
  });

  it("does not show another institution's assignment", async () => {
    assert.ok(state.other, 'another institution submitted last year');
    await institution.goto(
      `${session.server.url}/#/survey/${state.closed.id}/org/${state.other.org_id}`,
    );
    await institution.getByTestId('survey-not-found').waitFor();
    const text = await institution.locator('main').textContent();
    assert.doesNotMatch(text, new RegExp(state.other.org_name.ja));
    assert.doesNotMatch(text, new RegExp(state.other.org_name.en));
    assert.equal(await institution.getByTestId('survey-results').count(), 0);
  });

  it('renders in English and offers the menu entry only to roles that use it', async () => {
    await institution.goto(`${session.server.url}/#/survey/${state.closed.id}/results`);
    await institution.getByTestId('survey-heatmap').waitFor();
    await institution.click('.user-menu-button');
    await institution.getByRole('button', { name: 'English' }).click();
    await institution.locator('h2', { hasText: 'Threat × function heatmap' }).waitFor();
    await institution.getByTestId('survey-heatmap').locator('th', { hasText: 'Govern' }).waitFor();
    await institution.locator('nav.sidenav a', { hasText: 'Sector survey' }).waitFor();

    const isac = await loggedIn('isac');
    await isac.locator('nav.sidenav a').first().waitFor();
    assert.equal(await isac.locator('nav.sidenav a', { hasText: 'アンケート調査' }).count(), 0);
    assert.equal(
      await regulator.locator('nav.sidenav a', { hasText: 'アンケート調査' }).count(),
      1,
    );
  });
});
