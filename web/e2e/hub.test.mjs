// Browser tests of the sharing hub against the real server. The demo data has no
// hub content of its own, so the tests create the trust group, the collection and a
// second institution's indicator through the API first.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { useBrowserSession } from './harness.mjs';

const session = useBrowserSession();
const { apiUser, loggedIn } = session;
const DOMAIN = `shared-${randomUUID().slice(0, 8)}.example`;
const GROUP_ONLY = `group-only-${randomUUID().slice(0, 8)}.example`;

let collectionId;
let theirIndicator;

before(async () => {
  const isac = await apiUser('isac');
  const mine = await apiUser('mb01.member');
  const theirs = await apiUser('mb02.member');
  const group = await isac.ok('POST', '/groups', {
    name_ja: `会員共有 ${DOMAIN}`,
    name_en: `Members ${DOMAIN}`,
    member_org_ids: [isac.orgId, mine.orgId, theirs.orgId],
  });
  const collection = await isac.ok('POST', '/sharing/collections', {
    title: `早期警戒 ${DOMAIN}`,
    read_group_id: group.id,
    write_group_id: group.id,
    default_tlp: 'amber',
  });
  collectionId = collection.id;
  theirIndicator = (
    await theirs.ok('POST', `/sharing/collections/${collectionId}/indicators`, {
      name: 'フィッシング C2',
      pattern: `[domain-name:value = '${DOMAIN}']`,
      labels: ['phishing'],
      tlp: 'green',
    })
  ).id;
  await mine.ok('POST', `/sharing/collections/${collectionId}/indicators`, {
    name: 'Our sighting of the C2',
    pattern: `[domain-name:value = '${DOMAIN.toUpperCase()}']`,
    tlp: 'amber',
  });
});

/** Until the hub's result count reads `total` (a regular expression's source) 件. */
function waitForTotal(page, total) {
  return page.waitForFunction(
    (t) =>
      new RegExp(`^${t}\\s*件$`).test(
        document.querySelector('[data-testid=hub-total]')?.textContent ?? '',
      ),
    total,
  );
}

async function searchHub(page, text) {
  await page.locator('nav.sidenav a', { hasText: /^共有ハブ$|^Sharing hub$/ }).click();
  await page.fill('#hub-q', text);
  await page.locator('form[role=search] button[type=submit]').click();
  await page.waitForFunction((q) => window.location.hash.includes(encodeURIComponent(q)), text);
  return page.getByTestId('hub-total');
}

describe('sharing hub', () => {
  it('finds an indicator by observable, opens it and shows its correlations', async () => {
    const page = await loggedIn('mb01.member');
    const total = await searchHub(page, DOMAIN);
    await waitForTotal(page, '2');
    assert.match(await total.textContent(), /2/);
    const rows = page.getByTestId('hub-objects').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    // TLP shown as a badge with its text.
    assert.equal(await rows.locator('[data-tlp=green]').first().textContent(), 'TLP:GREEN');
    await page.getByRole('link', { name: 'フィッシング C2' }).click();
    await page.getByTestId('object-name').waitFor();
    assert.equal(await page.getByTestId('object-name').textContent(), 'フィッシング C2');
    assert.equal(await page.getByTestId('shared-by').textContent(), '2 組織が共有');
    const correlated = page.getByTestId('correlations').locator('tbody tr');
    assert.equal(await correlated.count(), 1);
    // Our own AMBER indicator: the author is ours, so it is named.
    assert.match(await correlated.textContent(), new RegExp(`domain:${DOMAIN}`));
    assert.match(await page.getByTestId('raw-json').textContent({ timeout: 1000 }), /"pattern"/);
    await page.context().close();
  });

  it('flags an indicator on a warning list with a badge and the list it hit', async () => {
    const page = await loggedIn('mb01.member');
    await searchHub(page, 'login.microsoftonline.com');
    await waitForTotal(page, '[1-9]\\d*');
    await page
      .getByTestId('hub-objects')
      .locator('tbody tr a[href*="/hub/objects/"]')
      .first()
      .click();
    await page.getByTestId('object-name').waitFor();
    assert.equal(await page.getByTestId('warning-badge').textContent(), '警告リスト該当');
    assert.match(
      await page.getByTestId('warning-hits').textContent(),
      /fincyber: well-known sites \(microsoftonline\.com\)/,
    );
    await page.context().close();
  });

  it('checks the pattern while typing, then creates an indicator only the group sees', async () => {
    const page = await loggedIn('mb01.member');
    await page.goto(`${session.server.url}/#/hub/new`);
    await page.locator('#ind-name').fill('グループ限定の指標');
    await page.locator('#ind-pattern').fill(`[domain-name:value = '${GROUP_ONLY}'`);
    await page.getByTestId('pattern-marked').waitFor();
    const marked = await page.getByTestId('pattern-marked').locator('mark').textContent();
    assert.equal(marked, ' ', 'the end of the text is marked');
    assert.match(await page.locator('[data-field-error=ind-pattern]').textContent(), /文字目/);
    assert.equal(await page.locator('.form-actions button[type=submit]').isDisabled(), true);

    await page.locator('#ind-pattern').fill(`[domain-name:value = '${GROUP_ONLY}']`);
    await page.getByTestId('pattern-valid').waitFor();
    assert.match(await page.getByTestId('pattern-valid').textContent(), new RegExp(GROUP_ONLY));
    await page.locator('#ind-collection').selectOption(collectionId);
    await page.locator('.tlp-option', { hasText: 'TLP:AMBER' }).first().locator('input').check();
    await page.locator('.form-actions button[type=submit]').click();
    await page.getByTestId('object-name').waitFor();
    assert.equal(await page.getByTestId('object-name').textContent(), 'グループ限定の指標');
    await page.context().close();

    // An institution outside the group finds nothing and cannot open it.
    const outsider = await loggedIn('mb03.member');
    const total = await searchHub(outsider, GROUP_ONLY);
    await waitForTotal(outsider, '0');
    assert.match(await total.textContent(), /0/);
    await outsider.goto(`${session.server.url}/#/hub/objects/${theirIndicator}`);
    await outsider.locator('.alert-error').waitFor();
    await outsider.context().close();
  });

  it("lists a second organisation's share live, and not one kept from us", async () => {
    const page = await loggedIn('mb01.member');
    await page.goto(`${session.server.url}/#/hub/live`);
    await page.locator('[data-testid=live-status][data-connected=yes]').waitFor();
    const theirs = await apiUser('mb02.member');
    const share = (name, domain, tlp) =>
      theirs.ok('POST', `/sharing/collections/${collectionId}/indicators`, {
        name,
        pattern: `[domain-name:value = '${domain}']`,
        tlp,
      });
    // TLP:RED naming nobody: only mb02 may see it. Shared first, so that once the GREEN
    // one is listed the RED one would have been too.
    const kept = (await share('mb02 only', `red-${DOMAIN}`, 'red')).id;
    const shared = (await share('ライブで届く指標', `live-${DOMAIN}`, 'green')).id;
    const item = page.locator(`[data-testid=live-events] li[data-id="${shared}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-kind'), 'added');
    assert.match(await item.textContent(), /ライブで届く指標/);
    assert.match(await item.textContent(), /TLP:GREEN/);
    assert.equal(await page.locator(`[data-testid=live-events] li[data-id="${kept}"]`).count(), 0);
    assert.equal(await page.locator('[data-testid=live-events] li').count(), 1);

    // A filter reconnects with it: an AMBER-only view does not list the GREEN share.
    await page.locator('#live-tlp').selectOption('amber');
    await page.waitForFunction(() => window.location.hash.includes('tlp=amber'));
    await page.locator('[data-testid=live-status][data-connected=yes]').waitFor();
    const amber = (await share('アンバー共有', `amber-${DOMAIN}`, 'amber')).id;
    await share('グリーン共有', `green-${DOMAIN}`, 'green');
    await page.locator(`[data-testid=live-events] li[data-id="${amber}"]`).waitFor();
    assert.equal(await page.locator('[data-testid=live-events] li').count(), 1);
    await page.context().close();
  });

  it('checks a log sample against the indicators the organisation may see', async () => {
    const squid = (url) =>
      `1790000000.123    245 192.0.2.10 TCP_MISS/200 1234 GET ${url} - HIER_DIRECT/198.51.100.7 text/html`;
    const sample = [
      squid(`http://www.${DOMAIN}/login`),
      squid(`http://not${DOMAIN}/`),
      squid('http://benign.example/'),
    ].join('\n');
    const page = await loggedIn('mb01.member');
    await page.locator('nav.sidenav a', { hasText: /^共有ハブ$/ }).click();
    await page.getByRole('link', { name: 'ログを照合' }).click();
    await page.locator('#check-collection').waitFor();
    await page.locator('#check-collection').selectOption({ label: `早期警戒 ${DOMAIN}` });
    await page.fill('#check-text', sample);
    await page.getByRole('button', { name: '照合' }).click();
    const result = page.getByTestId('log-check-result');
    await result.waitFor();
    // Both members' indicators name the domain; the near miss and the benign line do not match.
    assert.match(await result.getByRole('status').textContent(), /3 行（squid）.*2 件一致/);
    const matches = page.getByTestId('log-check-matches').locator('tbody tr');
    assert.equal(await matches.count(), 2);
    const first = await matches.first().locator('td').allTextContents();
    assert.deepEqual([first[0], first[2]], ['1', 'domain']);
    // The matched text, and under it the indicator's own value.
    assert.equal(
      await matches.first().locator('td:nth-child(2) code').textContent(),
      `www.${DOMAIN}`,
    );
    assert.match(first[1], new RegExp(`${DOMAIN.replace(/\./g, '\\.')}$`));
    assert.equal(await page.getByTestId('log-check-indicators').locator('tbody tr').count(), 2);

    // The same sample as a file, in JSON lines this time, while the hub is still compiling the
    // collection's indicators at first (503): the page says so and asks again.
    let answeredBusy = false;
    await page.route('**/log-check*', async (route) => {
      if (answeredBusy) return route.continue();
      answeredBusy = true;
      return route.fulfill({ status: 503, body: '' });
    });
    await page.locator('#check-format').selectOption('json');
    await page.setInputFiles('#check-file', {
      name: 'proxy.jsonl',
      mimeType: 'application/json',
      buffer: Buffer.from(`{"url": "https://${DOMAIN}/a"}\n{"url": "https://benign.example/"}\n`),
    });
    await page.getByRole('button', { name: '照合' }).click();
    await page.getByTestId('log-check-preparing').waitFor();
    await page.waitForFunction(() =>
      /2 行（json）/.test(
        document.querySelector('[data-testid=log-check-result] [role=status]')?.textContent ?? '',
      ),
    );
    // Indicators are shown by name, their id in the link's title.
    const theirLink = page.getByTestId('log-check-matches').locator(`a[title="${theirIndicator}"]`);
    assert.equal(await theirLink.textContent(), 'フィッシング C2');
    await theirLink.click();
    await page.getByTestId('object-name').waitFor();
    assert.equal(await page.getByTestId('object-name').textContent(), 'フィッシング C2');
    await page.context().close();

    // Outside the group the collection is not offered, and the API answers as if it did not exist.
    const outsider = await loggedIn('mb03.member');
    await outsider.goto(`${session.server.url}/#/hub/check`);
    await outsider.getByRole('heading', { name: 'ログの照合' }).waitFor();
    assert.equal(await outsider.locator('option', { hasText: DOMAIN }).count(), 0);
    await outsider.context().close();
    const api = await apiUser('mb03.member');
    const refused = await api.call(
      'POST',
      `/sharing/collections/${collectionId}/log-check`,
      sample,
    );
    assert.equal(refused.status, 404);
  });

  it("filters by collection, type and TLP, and shows an object's versions, relationships and sightings", async () => {
    // STIX objects as a TAXII client would post them, with API tokens of two members.
    const tokenOf = async (username) =>
      (await (await apiUser(username)).ok('POST', '/tokens', { name: `e2e ${randomUUID()}` }))
        .secret;
    const taxii = (token, path, init = {}) =>
      fetch(`${session.server.url}/taxii2/api1/${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/taxii+json;version=2.1',
          'Content-Type': 'application/taxii+json;version=2.1',
        },
      }).then((r) => r.json());
    // Answered "pending" once spooled: polled, as TAXII clients do, until stored.
    const post = async (token, objects) => {
      let status = await taxii(token, `collections/${collectionId}/objects/`, {
        method: 'POST',
        body: JSON.stringify({ objects }),
      });
      for (let i = 0; status.status === 'pending' && i < 100; ++i) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = await taxii(token, `status/${status.id}/`);
      }
      assert.equal(status.success_count, objects.length, JSON.stringify(status));
    };
    const tag = randomUUID().slice(0, 8);
    const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
    const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
    const created = '2024-05-01T00:00:00.000Z';
    const indicatorId = `indicator--${randomUUID()}`;
    const malwareId = `malware--${randomUUID()}`;
    const indicator = (modified, name) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: indicatorId,
      created,
      modified,
      name,
      pattern: `[domain-name:value = 'versions-${tag}.example']`,
      pattern_type: 'stix',
      valid_from: '2024-05-01T00:00:00Z',
      object_marking_refs: [GREEN],
    });
    const theirs = await tokenOf('mb02.member');
    await post(theirs, [indicator(created, `v1 ${tag}`)]);
    await post(theirs, [
      indicator('2024-06-01T00:00:00.000Z', `v2 ${tag}`),
      {
        type: 'malware',
        spec_version: '2.1',
        id: malwareId,
        created,
        modified: created,
        name: `Malware ${tag}`,
        is_family: false,
        object_marking_refs: [AMBER],
      },
      {
        type: 'relationship',
        spec_version: '2.1',
        id: `relationship--${randomUUID()}`,
        created,
        modified: created,
        relationship_type: 'indicates',
        source_ref: indicatorId,
        target_ref: malwareId,
        object_marking_refs: [GREEN],
      },
    ]);
    await post(await tokenOf('mb01.member'), [
      {
        type: 'sighting',
        spec_version: '2.1',
        id: `sighting--${randomUUID()}`,
        created,
        modified: created,
        sighting_of_ref: indicatorId,
        count: 4,
        first_seen: '2024-06-02T00:00:00Z',
        last_seen: '2024-06-03T00:00:00Z',
        object_marking_refs: [GREEN],
      },
    ]);

    const page = await loggedIn('mb01.member');
    await page.locator('nav.sidenav a', { hasText: /^共有ハブ$/ }).click();
    await page.locator('#hub-collection').selectOption(collectionId);
    await page.waitForFunction((id) => window.location.hash.includes(id), collectionId);
    await page.locator('#hub-type').selectOption('malware');
    await page.waitForFunction(() => window.location.hash.includes('type=malware'));
    await waitForTotal(page, '1');
    const rows = page.getByTestId('hub-objects').locator('tbody tr');
    assert.match(await rows.first().textContent(), new RegExp(`Malware ${tag}`));
    // Indicators of TLP:AMBER only: every row's badge says so, and the green one is absent.
    await page.locator('#hub-type').selectOption('indicator');
    await page.locator('#hub-tlp').selectOption('amber');
    await page.waitForFunction(
      () =>
        window.location.hash.includes('tlp=amber') &&
        window.location.hash.includes('type=indicator'),
    );
    // Until the new page has replaced the last one (the malware, also AMBER): some rows,
    // every one an indicator with an AMBER badge.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=hub-objects] tbody tr')];
      return (
        rows.length > 0 &&
        rows.every(
          (r) =>
            r.textContent.includes('indicator') &&
            r.querySelector('[data-tlp]')?.getAttribute('data-tlp') === 'amber',
        )
      );
    });
    assert.doesNotMatch(await page.getByTestId('hub-objects').textContent(), new RegExp(tag));

    await page.goto(`${session.server.url}/#/hub/objects/${indicatorId}`);
    await page.getByTestId('object-name').waitFor();
    assert.equal(await page.getByTestId('object-name').textContent(), `v2 ${tag}`);
    const versions = page.getByTestId('versions').locator('tbody tr');
    assert.equal(await versions.count(), 2);
    assert.match(await versions.first().textContent(), /最新/);
    assert.doesNotMatch(await versions.nth(1).textContent(), /最新/);
    // GREEN versions name their author, here the other member.
    const author = (await (await apiUser('mb02.member')).ok('GET', '/me')).org.name_ja;
    for (const row of await versions.all())
      assert.match(await row.textContent(), new RegExp(author));
    const relationships = page.getByTestId('relationships').locator('tbody tr');
    assert.equal(await relationships.count(), 1);
    assert.match(await relationships.textContent(), /indicates/);
    assert.match(await relationships.textContent(), /TLP:GREEN/);
    assert.match(
      await page.getByTestId('sightings').textContent(),
      /1 件の報告\(計 4 回、1 組織\)/,
    );
    await page.context().close();
  });

  it('lets the ISAC create a trust group, change its members and open a collection to it', async () => {
    const tag = randomUUID().slice(0, 8);
    const isac = await apiUser('isac');
    const page = await loggedIn('isac');
    await page.goto(`${session.server.url}/#/hub/collections`);
    const newGroup = page.getByTestId('new-group');
    await newGroup.waitFor();
    await page.fill('#group-ja', `演習グループ ${tag}`);
    await page.fill('#group-en', `Exercise group ${tag}`);
    await newGroup.locator('button[type=submit]').click();
    const card = page.getByTestId('group').filter({ hasText: `演習グループ ${tag}` });
    await card.waitFor();
    const members = card.locator('ul.members li');
    assert.equal(await members.count(), 0);

    const groupHasMembers = (count) =>
      page.waitForFunction(
        ([t, n]) =>
          [...document.querySelectorAll('[data-testid=group]')]
            .find((g) => g.textContent.includes(t))
            ?.querySelectorAll('ul.members li').length === n,
        [`演習グループ ${tag}`, count],
      );
    // Add the first institution offered, take it out, add it again.
    const offered = card.locator('select');
    const chosen = await offered.locator('option').nth(1).textContent();
    await offered.selectOption({ index: 1 });
    await card.getByRole('button', { name: '追加' }).click();
    await groupHasMembers(1);
    assert.match(await members.first().textContent(), new RegExp(chosen.trim()));
    assert.match(await card.textContent(), /1 組織/);
    await members.first().getByRole('button', { name: '外す' }).click();
    await groupHasMembers(0);
    // The ISAC itself this time: the list shows the collections its organisation may use.
    await offered.selectOption(isac.orgId);
    await card.getByRole('button', { name: '追加' }).click();
    await members.first().waitFor();

    await page.fill('#col-title', `演習コレクション ${tag}`);
    await page.locator('#col-read').selectOption({ label: `演習グループ ${tag}` });
    await page.locator('#col-write').selectOption({ label: `演習グループ ${tag}` });
    await page.locator('#col-tlp').selectOption('amber');
    await page.getByTestId('new-collection').locator('button[type=submit]').click();
    const row = page
      .getByTestId('collections')
      .locator('tbody tr')
      .filter({ hasText: `演習コレクション ${tag}` });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`演習グループ ${tag}`));
    assert.match(await row.textContent(), /TLP:AMBER/);
    await page.context().close();

    // The server has what the page showed: one member, and the collection reading from it.
    const groups = (await isac.ok('GET', '/groups')).items;
    const group = groups.find((g) => g.name_ja === `演習グループ ${tag}`);
    assert.deepEqual(group.member_org_ids, [isac.orgId]);
    const collections = (await isac.ok('GET', '/sharing/collections')).items;
    const made = collections.find((c) => c.title === `演習コレクション ${tag}`);
    assert.equal(made.read_group_id, group.id);
    assert.equal(made.default_tlp, 'amber');
  });

  it('shows the hub in English after switching language', async () => {
    const page = await loggedIn('mb02.member');
    await page.goto(`${session.server.url}/#/hub/objects/${theirIndicator}`);
    await page.getByTestId('shared-by').waitFor();
    await page.click('.user-menu-button');
    await page.locator('#user-menu-panel').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await page.getByTestId('shared-by').textContent(), 'Shared by 2 organisations');
    assert.equal(await page.locator('nav.sidenav a', { hasText: 'Sharing hub' }).count(), 1);
    // mb01's AMBER indicator: its author is hidden from mb02.
    assert.match(
      await page.getByTestId('correlations').locator('tbody').textContent(),
      /another organisation/,
    );
    await page.context().close();
  });
});
