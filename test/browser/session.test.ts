// Signing in, in a real browser against the engine as `npm start` runs it: a wrong password shows the error
// and stays on /login; the right one opens the user's pages with an httpOnly, SameSite=Strict cookie.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, login, newPage, type Stack, startStack } from './harness.ts';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const clerk = () => stack.credentials.find((c) => c.user === 'clerk')!;

describe('signing in at /login', () => {
  it('shows an error for a wrong password and stays on /login', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, 'clerk', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    await expectAccessible(page, 'login page with an error');
    expect(await page.context().cookies()).toEqual([]);
    await page.context().close();
  });

  it('signs in with the right password, leaving /login, with an httpOnly SameSite=Strict cookie', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, 'clerk', clerk().password);
    await page.waitForURL((url) => url.pathname !== '/login');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'yjs_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    // The page's script cannot read the session cookie.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('yjs_session');
    await page.context().close();
  });
});
