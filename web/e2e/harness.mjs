// Starts the real fincyber server on a fresh demo database and a headless
// Chromium (Debian's, driven by playwright-core) for the browser tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, afterEach, before, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = join(WEB_DIR, 'test-results');

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Runs `fincyber demo` and resolves once it prints its URL. The demo password is
 * random per run so that nothing in the repository is a credential. `config`, when
 * given, is TOML the server reads with `--config` (e.g. a shorter reminder interval).
 */
export async function startServer({ config } = {}) {
  const bin = resolve(WEB_DIR, process.env.FINCYBER_BIN ?? '../build/fincyber');
  const staticDir = join(WEB_DIR, 'dist');
  if (!existsSync(bin)) throw new Error(`server binary not found: ${bin} (set FINCYBER_BIN)`);
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir}/index.html missing: run "npm run build" first`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'fincyber-e2e-'));
  const password = `Demo-${randomBytes(12).toString('hex')}`;
  const settings = [];
  if (config !== undefined) {
    const file = join(workDir, 'fincyber.toml');
    writeFileSync(file, config);
    settings.push('--config', file);
  }
  const child = spawn(
    bin,
    [
      'demo',
      '--database',
      join(workDir, 'demo.db'),
      '--listen',
      '127.0.0.1:0',
      '--static-dir',
      staticDir,
      '--demo-password',
      password,
      ...settings,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = [];
  const remember = (line) => {
    log.push(line);
    if (log.length > 200) log.shift();
  };
  createInterface({ input: child.stderr }).on('line', remember);

  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `server did not print its URL within ${STARTUP_TIMEOUT_MS} ms:\n` + log.join('\n'),
        ),
      );
    }, STARTUP_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      const match = /listening on (http:\/\/[^\s]+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `server exited (code ${code}, signal ${signal}) before listening:\n` + log.join('\n'),
        ),
      );
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });

  return {
    url,
    password,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Logs in through the API from Node and returns a function for authenticated GETs. */
export async function apiSession(baseUrl, username, password) {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`API login as ${username}: ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async (path) => {
    const r = await fetch(`${baseUrl}/api/v1${path}`, { headers: { Cookie: cookie } });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
    return r.json();
  };
}

/**
 * The server and browser of one test file, with its hooks registered: every page the
 * session opens records script errors and console errors (refused resources included;
 * HTTP error statuses are expected in some tests and are checked where they matter),
 * and a test fails when its pages logged any. `serverOptions` go to startServer.
 */
export function useBrowserSession(serverOptions = {}) {
  const session = {
    server: undefined,
    browser: undefined,
    pageErrors: [],

    async newPage() {
      await session.start();
      const context = await session.browser.newContext({
        locale: 'ja-JP',
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => session.pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
          session.pageErrors.push(message.text());
        }
      });
      return page;
    },

    /** A new page logged in as `username` with the demo password. */
    async loggedIn(username) {
      const page = await session.newPage();
      await page.goto(`${session.server.url}/`);
      await page.fill('#login-username', username);
      await page.fill('#login-password', session.server.password);
      await page.click('.login-card button[type=submit]');
      await page.locator('.topbar').waitFor();
      return page;
    },

    /**
     * An API session from Node that can also write (cookie plus CSRF token): `call`
     * answers `{status, body}`, `ok` the body of a successful call and throws otherwise.
     */
    async apiUser(username) {
      await session.start();
      const login = await fetch(`${session.server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password: session.server.password }),
      });
      assert.equal(login.status, 200, `API login as ${username}`);
      const me = await login.json();
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const call = async (method, path, body) => {
        const r = await fetch(`${session.server.url}/api/v1${path}`, {
          method,
          headers: {
            Cookie: cookie,
            'X-CSRF-Token': me.csrf_token,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await r.text();
        return { status: r.status, body: text ? JSON.parse(text) : undefined };
      };
      const ok = async (method, path, body) => {
        const r = await call(method, path, body);
        if (r.status >= 300) {
          throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
        }
        return r.body;
      };
      return { orgId: me.org.id, call, ok };
    },
  };

  // A file's own `before` hook may run first and already need the server.
  let starting;
  session.start = () =>
    (starting ??= (async () => {
      session.server = await startServer(serverOptions);
      session.browser = await launchBrowser();
    })());
  before(() => session.start());
  after(async () => {
    await session.browser?.close();
    await session.server?.stop();
  });
  beforeEach(() => {
    session.pageErrors = [];
  });
  afterEach(() => {
    assert.deepEqual(session.pageErrors, [], 'the pages logged errors');
  });
  return session;
}
