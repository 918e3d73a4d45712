// The browser tests' harness: the whole engine as `npm start` runs it (a child process with its own data
// folder and free ports), Debian's Chromium driven by playwright-core (Playwright's own browser download
// cannot work here), axe-core for accessibility, screenshots for the README, and signing in at /login.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import type { DemoCredential } from '../../services/demo-users.ts';
import { availablePort } from '../../services/ports.ts';
import { ensureWebBuilt } from '../../services/web-build.ts';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function hasCjkFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

/**
 * The path of Debian's chromium. When it (or a Chinese font, without which screenshots show boxes) is
 * missing and we are root, installs it with apt, as scripts/with-postgres.sh does for PostgreSQL.
 */
export function ensureChromium(): string {
  const found = () => CHROMIUM_PATHS.find((p) => existsSync(p));
  const missing = [...(found() ? [] : ['chromium']), ...(hasCjkFont() ? [] : ['fonts-wqy-microhei'])];
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        `The browser tests need ${missing.join(' and ')}: install with \`sudo apt-get install -y ${missing.join(' ')}\`.`,
      );
    }
    console.log(`Installing ${missing.join(', ')} (Debian packages)…`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const path = found();
  if (!path)
    throw new Error(`chromium is still missing after installing it (looked in ${CHROMIUM_PATHS.join(', ')})`);
  return path;
}

export interface Stack {
  baseUrl: string;
  dataDir: string;
  credentials: DemoCredential[];
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Extra environment for the engine (e.g. SESSION_IDLE_MINUTES, DEMO_SIMULATOR=0). */
  env?: Record<string, string>;
  /** How long to wait for /readyz (first start installs the Temporal CLI). */
  readyTimeoutMs?: number;
}

/**
 * Starts the engine as `npm start` does, in a child process: the web UI built if stale, a temporary
 * DATA_DIR, free ports for the API, Temporal, its UI and the department simulator. Resolves once /readyz
 * answers and the demo credentials are written.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  await ensureWebBuilt({ project: PROJECT });
  const dataDir = mkdtempSync(join(tmpdir(), 'yjs-browser-'));
  const port = await availablePort(0);
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    TEMPORAL_PORT: String(await availablePort(0)),
    TEMPORAL_UI_PORT: String(await availablePort(0)),
    SIMULATOR_PORT: String(await availablePort(0)),
    ...options.env,
  };
  // node --import tsx runs main.ts in this one process (npx tsx would put two more processes between us
  // and it), so its PID is the engine's own; its own process group lets stop() reach the Temporal server
  // it started if it does not stop on SIGTERM.
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: PROJECT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, exited, () => running);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 240_000);
    const credentialsFile = join(dataDir, 'demo-credentials.json');
    for (;;) {
      if (!running) throw new Error(`the engine exited before it was ready:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the engine was not ready in time:\n${output}`);
      const credentials = (await isReady(baseUrl)) ? readCredentials(credentialsFile) : undefined;
      if (credentials) return { baseUrl, dataDir, credentials, stop };
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/readyz`)).ok;
  } catch {
    return false;
  }
}

/** The demo credentials once main.ts has written them all (with passwords), else undefined. */
function readCredentials(file: string): DemoCredential[] | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as DemoCredential[];
    return credentials.length > 0 && credentials.every((c) => c.password && c.token)
      ? credentials
      : undefined;
  } catch {
    return undefined; // caught mid-write
  }
}

/** SIGTERM to the engine's PID; after 30 s, SIGKILL to its process group (it and what it started). */
async function stopChild(child: ChildProcess, exited: Promise<unknown>, running: () => boolean) {
  if (!running() || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout' && running()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }
}

/** Debian's Chromium through playwright-core, headless, in Chinese. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    // Chromium refuses its sandbox to root (CI containers run as root).
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--lang=zh-CN'],
  });
}

/**
 * A page in a context of its own (axe-core needs one; a context is also a fresh cookie jar, i.e. another
 * person's browser). Close it with `page.context().close()`.
 */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', ...options });
  return context.newPage();
}

/** Runs axe-core on the page (made by newPage or browser.newContext()); throws, listing them, if any violation is serious or critical. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const lines = bad.map((v) => {
    const where = v.nodes
      .slice(0, 5)
      .map(
        (n) =>
          `      ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`,
      )
      .join('\n');
    const more = v.nodes.length > 5 ? `\n      …and ${v.nodes.length - 5} more` : '';
    return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${where}${more}`;
  });
  throw new Error(
    `${label}: ${bad.length} serious or critical accessibility violation(s):\n${lines.join('\n')}`,
  );
}

/** Saves a full-page screenshot as docs/screenshots/<name>.png (embedded in the README); its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = join(PROJECT, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in at /login through the form, by its labels (用户名, 密码) and its button (登录). */
export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  // Ant Design puts a space between the two characters of a two-character button ("登 录").
  await page.getByRole('button', { name: /^\s*登\s*录\s*$/ }).click();
}

/**
 * Waits until no Ant Design select popup is open. While one is, its listbox has no accessible name of its
 * own (an antd limitation; the combobox is labelled), so accessibility checks run after it has closed.
 */
export async function selectClosed(page: Page): Promise<void> {
  await page.waitForFunction(
    "!document.querySelector('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')",
  );
}
