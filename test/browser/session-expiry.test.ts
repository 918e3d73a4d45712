// A session that expires after inactivity, in the browser: the next request the page makes is refused
// (401 session-expired), and the page says so and sends the user back to /login. The engine runs with the
// shortest idle time allowed (3 s).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, login, newPage, type Stack, startStack } from './harness.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack({ env: { SESSION_IDLE_MINUTES: '0.05' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('an expired session', () => {
  it('sends the clerk back to /login with "会话已过期，请重新登录"', async () => {
    const page = await newPage(browser, { viewport: { width: 1366, height: 900 } });
    const clerk = stack.credentials.find((c) => c.user === 'clerk')!;
    await login(page, stack.baseUrl, 'clerk', clerk.password);
    await page.waitForURL((url) => url.pathname === '/clerk');
    await page.getByRole('heading', { name: '选择要办理的“一件事”' }).waitFor();
    // Idle for longer than the session lives, then go on working.
    await page.waitForTimeout(5_000);
    const refused = page.waitForResponse((r) => r.url().includes('/api/cases'));
    await page.getByRole('link', { name: '办件与出件' }).click();
    const answer = await refused;
    expect(answer.status()).toBe(401);
    expect((await answer.json()).type).toMatch(/session-expired$/);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('status').filter({ hasText: '会话已过期，请重新登录' }).waitFor();
    await expectAccessible(page, 'login after the session expired');
    // Signing in again works and opens the clerk's pages.
    await login(page, stack.baseUrl, 'clerk', clerk.password);
    await page.waitForURL((url) => url.pathname === '/clerk');
    await page.context().close();
  });
});
