// Browser tests of the application shell against the real server and demo data.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RESULTS_DIR, apiSession, useBrowserSession } from './harness.mjs';

const session = useBrowserSession();
const { newPage } = session;

async function submitLogin(page, username, password) {
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('.login-card button[type=submit]');
}

async function login(page, username) {
  await page.goto(`${session.server.url}/`);
  await submitLogin(page, username, session.server.password);
  await page.locator('.topbar').waitFor();
}

async function openUserMenu(page) {
  await page.click('.user-menu-button');
  await page.locator('#user-menu-panel').waitFor();
}

async function logout(page, label) {
  await openUserMenu(page);
  await page.getByRole('button', { name: label }).click();
  await page.locator('#login-username').waitFor();
}

const navLink = (page, name) => page.locator('nav.sidenav a', { hasText: name });

/** The first integer in the result-count line (the total in both languages). */
async function orgsTotal(page) {
  const text = await page.getByTestId('orgs-total').textContent();
  return Number.parseInt(/\d+/.exec(text.replace(/,/g, ''))[0], 10);
}

describe('fincyber web', () => {
  it('explains a failed login and a lock-out, then logs in', async () => {
    const page = await newPage();
    await page.goto(`${session.server.url}/`);
    assert.equal(await page.locator('h1').textContent(), 'ログイン');

    await submitLogin(page, 'auditor', 'not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.match(await error.textContent(), /利用者IDまたはパスワードが正しくありません/);

    // The lock-out reply is simulated so that no real account or address gets locked.
    await page.route('**/api/v1/auth/login', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'resource_exhausted', message: 'locked', request_id: 'e2e' },
        }),
      }),
    );
    await submitLogin(page, 'auditor', 'not-the-password');
    await page.getByTestId('login-error').filter({ hasText: 'ロック' }).waitFor();
    await page.unroute('**/api/v1/auth/login');

    await submitLogin(page, 'auditor', session.server.password);
    await page.getByTestId('home-role').filter({ hasText: '監査人' }).waitFor();
    await page.context().close();
  });

  it('shows the coordination office all organisations, filtered by category', async () => {
    const page = await newPage();
    await login(page, 'coord');
    await page.getByTestId('home-role').filter({ hasText: '調整室' }).waitFor();
    await page.waitForFunction(() => {
      const value = document.querySelector('[data-testid="count-home.countOrgs"]');
      return value && /\d/.test(value.textContent);
    });
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'home.png'), fullPage: true });

    await navLink(page, '組織').click();
    await page.getByTestId('orgs-table').waitFor();
    const all = await orgsTotal(page);
    assert.ok(all >= 100 && all <= 200, `expected about 130 organisations, got ${all}`);

    await page.selectOption('#filter-sector', 'major_bank');
    await page.waitForFunction(() => location.hash.includes('sector=major_bank'));
    await page.waitForFunction(() => {
      const cells = [
        ...document.querySelectorAll('[data-testid="orgs-table"] tbody tr td:nth-child(3)'),
      ];
      return cells.length > 0 && cells.every((c) => c.textContent === '主要行');
    });
    const majorBanks = await orgsTotal(page);
    assert.ok(majorBanks > 0 && majorBanks < all, `major banks: ${majorBanks} of ${all}`);

    // Text search narrows to the organisation searched for.
    const firstName = await page
      .locator('[data-testid="orgs-table"] tbody tr th a')
      .first()
      .textContent();
    await page.selectOption('#filter-sector', '');
    await page.fill('#filter-q', firstName);
    await page.press('#filter-q', 'Enter');
    await page.waitForFunction((name) => {
      const links = [...document.querySelectorAll('[data-testid="orgs-table"] tbody th a')];
      // Every row matches: the major-bank list shown before the search does not.
      return links.length >= 1 && links.every((a) => a.textContent.includes(name));
    }, firstName);
    await page.context().close();
  });

  it('switches to English and remembers the choice per user', async () => {
    const page = await newPage();
    await login(page, 'supervisor');
    await navLink(page, 'ホーム').waitFor();

    await openUserMenu(page);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/locale') && r.ok());
    await page.getByRole('button', { name: 'English' }).click();
    await saved;
    await navLink(page, 'Organisations').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByTestId('home-role').filter({ hasText: 'Bureau staff' }).waitFor();

    await page.reload();
    await navLink(page, 'Organisations').waitFor();

    // A bureau shows the institutions it supervises.
    await page.click('[data-testid="home-facts"] a');
    await page.locator('h2', { hasText: 'Supervised institutions' }).waitFor();
    await page.locator('[data-testid="supervised-table"] tbody tr').first().waitFor();

    await logout(page, 'Log out');
    assert.equal(await page.locator('h1').textContent(), 'Log in');

    // Another user keeps their own language.
    await submitLogin(page, 'mb01.member', session.server.password);
    await navLink(page, 'ホーム').waitFor();
    await logout(page, 'ログアウト');

    await submitLogin(page, 'supervisor', session.server.password);
    await navLink(page, 'Home').waitFor();
    await page.context().close();

    // A fresh browser starts in Japanese and takes the user's saved language at login.
    const fresh = await newPage();
    await fresh.goto(`${session.server.url}/`);
    assert.equal(await fresh.locator('h1').textContent(), 'ログイン');
    await submitLogin(fresh, 'supervisor', session.server.password);
    await navLink(fresh, 'Organisations').waitFor();
    await fresh.context().close();
  });

  it('limits an institution member to its own organisation', async () => {
    const get = await apiSession(session.server.url, 'coord', session.server.password);
    const other = (await get('/orgs?kind=institution&sector=regional_bank&limit=1')).items[0];
    assert.ok(other, 'demo data has a regional bank');

    const page = await newPage();
    await login(page, 'mb01.member');
    await navLink(page, '組織').click();
    await page.getByTestId('orgs-table').waitFor();
    assert.equal(await page.locator('[data-testid="orgs-table"] tbody tr').count(), 1);
    assert.equal(await orgsTotal(page), 1);

    await page.click('[data-testid="orgs-table"] tbody th a');
    await page.getByTestId('users-table').waitFor();
    assert.equal(await page.getByRole('button', { name: '利用者を追加' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /無効化/ }).count(), 0);

    await navLink(page, '利用者').click();
    await page.getByTestId('users-table').waitFor();
    assert.equal(await page.getByRole('button', { name: '利用者を追加' }).count(), 0);

    await page.goto(`${session.server.url}/#/orgs/${encodeURIComponent(other.id)}`);
    await page.getByTestId('org-not-found').waitFor();
    assert.equal(await page.locator('h1').textContent(), '組織');
    await page.context().close();
  });

  it('lets an institution admin add a user, showing field errors, and disable it', async () => {
    const page = await newPage();
    await login(page, 'mb01.admin');
    await navLink(page, '利用者').click();
    await page.getByTestId('users-table').waitFor();
    await page.getByRole('button', { name: '利用者を追加' }).click();

    const username = `mb01.e2e${Date.now() % 100000}`;
    const password = `E2e-${Math.random().toString(36).slice(2)}-Pw9!`;
    await page.fill('#new-user-display_name', 'E2E 利用者');
    await page.fill('#new-user-password', password);
    await page.getByRole('button', { name: '追加する' }).click();
    await page.locator('#new-user-username-error').waitFor();
    assert.equal(await page.getAttribute('#new-user-username', 'aria-invalid'), 'true');

    await page.fill('#new-user-username', username);
    await page.getByRole('button', { name: '追加する' }).click();
    const row = page.locator(`[data-testid="users-table"] tr[data-username="${username}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('user-status').textContent(), '有効');
    assert.equal(await row.locator('td').first().textContent(), 'E2E 利用者');

    await row.getByRole('button', { name: /無効化/ }).click();
    await row.getByRole('button', { name: '無効化する' }).click();
    await row.getByTestId('user-status').filter({ hasText: '無効' }).waitFor();
    assert.equal(await row.getByRole('button', { name: /無効化/ }).count(), 0);
    await page.context().close();
  });

  it("lets the coordination office set an institution's size tier, and the institution only read it", async () => {
    const get = await apiSession(session.server.url, 'coord', session.server.password);
    const bank = (await get('/orgs?q=Suzaku%20Bank')).items[0];
    assert.equal(bank.size_tier, 'large', 'the demo makes rb01 a large regional bank');

    const page = await newPage();
    await login(page, 'coord');
    await page.goto(`${session.server.url}/#/orgs/${encodeURIComponent(bank.id)}`);
    const shown = page.getByTestId('org-size-tier');
    await shown.filter({ hasText: '大規模' }).waitFor();
    const save = page.getByRole('button', { name: '規模区分を保存' });

    await page.selectOption('#org-size-tier', 'small');
    await save.click();
    await page.locator('.alert-success', { hasText: '規模区分を保存しました。' }).waitFor();
    await shown.filter({ hasText: '小規模' }).waitFor();

    await page.selectOption('#org-size-tier', '');
    await save.click();
    await shown.filter({ hasText: '業態の既定（中規模）' }).waitFor();
    assert.equal((await get(`/orgs/${bank.id}`)).size_tier, null);

    // The server's field problem appears under the control, in Japanese.
    await page.route('**/api/v1/orgs/*', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({
              error: {
                code: 'invalid_argument',
                message: 'unknown size tier',
                request_id: 'e2e',
                details: [{ field: 'size_tier', problem: 'unknown size tier' }],
              },
            }),
          })
        : route.continue(),
    );
    await page.selectOption('#org-size-tier', 'large');
    await save.click();
    await page.locator('#org-size-tier-error', { hasText: '指定できない値です。' }).waitFor();
    await page.unroute('**/api/v1/orgs/*');

    await save.click();
    await shown.filter({ hasText: '大規模' }).waitFor();
    assert.equal((await get(`/orgs/${bank.id}`)).size_tier, 'large');

    await page.goto(`${session.server.url}/#/orgs?sector=credit_cooperative`);
    await page.getByTestId('orgs-table').waitFor();
    assert.match(await page.getByTestId('orgs-table').textContent(), /業態の既定（小規模）/);
    await page.context().close();

    const own = await newPage();
    await login(own, 'rb01.admin');
    await own.goto(`${session.server.url}/#/orgs/${encodeURIComponent(bank.id)}`);
    await own.getByTestId('org-size-tier').filter({ hasText: '大規模' }).waitFor();
    assert.equal(await own.getByTestId('size-tier-form').count(), 0);
    await own.context().close();
  });

  it('logs in by keyboard, logs out to the login page and ends the session', async () => {
    const page = await newPage();
    // By keyboard alone: the username field has focus, Tab moves on, Enter submits.
    await page.goto(`${session.server.url}/`);
    await page.locator('#login-username:focus').waitFor();
    await page.keyboard.type('isac');
    await page.keyboard.press('Tab');
    await page.keyboard.type(session.server.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('home-role').filter({ hasText: 'ISACアナリスト' }).waitFor();
    await logout(page, 'ログアウト');
    const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(status, 401);
    await page.reload();
    await page.locator('#login-username').waitFor();
    await page.context().close();
  });
});
