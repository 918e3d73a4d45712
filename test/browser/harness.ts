// The browser tests' harness: the whole engine as `npm start` runs it (a child process with its own data
// folder and free ports), Debian's Chromium driven by playwright-core (Playwright's own browser download
// cannot work here), axe-core for accessibility, screenshots for the README, and signing in at /login.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { type EngineOptions, type EngineProcess, startEngine } from '../../services/engine-process.ts';
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

export type Stack = Pick<EngineProcess, 'baseUrl' | 'dataDir' | 'credentials' | 'stop'>;

export type StackOptions = Pick<EngineOptions, 'env' | 'readyTimeoutMs'>;

/**
 * Starts the engine as `npm start` does, in a child process (services/engine-process.ts), with the web UI
 * built first if stale. Resolves once /readyz answers and the demo credentials are written.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  await ensureWebBuilt({ project: PROJECT });
  return startEngine({ ...options, dataDirPrefix: 'yjs-browser-' });
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
  // Reduced motion, as a user may ask for: the app then shows and hides popups at once (web/src/staff/theme.ts),
  // so a select's dropdown cannot be left half-closed by an animation a loaded machine never finished.
  const context = await browser.newContext({ locale: 'zh-CN', reducedMotion: 'reduce', ...options });
  // Every Content-Security-Policy violation in the context's pages is reported here, also one the page's
  // code caught (a blocked eval throws an EvalError the page may swallow, but the event still fires).
  await context.exposeBinding('reportCspViolation', (source, text: string) => {
    violations.push(`${source.page?.url() ?? '?'}: ${text}`);
  });
  await context.addInitScript(() => {
    const page = globalThis as unknown as PageGlobals;
    page.document.addEventListener('securitypolicyviolation', (e) => {
      page.reportCspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return context.newPage();
}

const violations: string[] = [];

/** What functions run in the page use of its globals (this file is compiled without the DOM library). */
interface PageGlobals {
  document: {
    querySelector(selector: string): unknown;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (e: {
        effectiveDirective: string;
        blockedURI: string;
        sourceFile: string;
        lineNumber: number;
      }) => void,
    ): void;
  };
  reportCspViolation(text: string): void;
}

/** What the Content-Security-Policy blocked in every page newPage made (none, if the UI works under it). */
export function cspViolations(): string[] {
  return [...violations];
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
  // A function, not a string: a string predicate is compiled in the page, which its CSP forbids.
  await page.waitForFunction(
    () =>
      !(globalThis as unknown as PageGlobals).document.querySelector(
        '.ant-select-dropdown:not(.ant-select-dropdown-hidden)',
      ),
  );
}
