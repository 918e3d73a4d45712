// The administrator's pages in the browser: signing in by keyboard alone, users (created with an initial
// password that then signs in, disabled so that it no longer does, API tokens issued once and revoked),
// process versions (the DAG as a diagram; a broken definition refused with every problem listed; a new
// version published), calendars (a year at a glance; a bad notice refused with its problems), and the
// switch to English. axe-core on every page visited; screenshots for the README.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  launchBrowser,
  login,
  newPage,
  type Stack,
  saveScreenshot,
  selectClosed,
  startStack,
} from './harness.ts';

let stack: Stack;
let browser: Browser;
let admin: Page;
const DESKTOP = { viewport: { width: 1366, height: 900 } };

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function checked(page: Page, label: string): Promise<void> {
  await page.locator('.page-loading').waitFor({ state: 'detached' });
  await expectAccessible(page, label);
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-item-option', { hasText: option }).first().click();
  await selectClosed(page);
}

describe('the administrator', () => {
  it('signs in with the keyboard alone', async () => {
    admin = await newPage(browser, DESKTOP);
    await admin.goto(`${stack.baseUrl}/login`);
    await admin.getByLabel('用户名', { exact: true }).waitFor();
    // The user name field has the focus; Tab goes to the password, Enter signs in.
    await admin.keyboard.type('admin');
    await admin.keyboard.press('Tab');
    await admin.keyboard.type(stack.credentials.find((c) => c.user === 'admin')!.password);
    await admin.keyboard.press('Enter');
    await admin.waitForURL((url) => url.pathname === '/admin/users');
    await admin.getByRole('cell', { name: 'clerk', exact: true }).waitFor();
    await checked(admin, 'admin: users');
    await saveScreenshot(admin, 'admin-users');
  });

  it('creates a user with an initial password, who can sign in until disabled; issues and revokes a token', async () => {
    await admin.getByRole('button', { name: '新建用户' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('用户名', { exact: true }).fill('window2');
    await dialog.getByLabel('显示名称', { exact: true }).fill('第二综合窗口');
    await choose(admin, '岗位', '综合窗口');
    await dialog.getByLabel('初始密码', { exact: true }).fill('correct-horse-battery');
    await checked(admin, 'admin: new user dialog');
    await dialog.getByRole('button', { name: '创建' }).click();
    await admin.getByText('已创建用户 window2。').waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'window2' });
    await row.waitFor();

    const newcomer = await newPage(browser, DESKTOP);
    await login(newcomer, stack.baseUrl, 'window2', 'correct-horse-battery');
    await newcomer.waitForURL((url) => url.pathname === '/clerk');
    await newcomer.context().close();

    await row.getByRole('button', { name: '停用' }).click();
    await row.getByText('已停用').waitFor();
    const refused = await newPage(browser, DESKTOP);
    await login(refused, stack.baseUrl, 'window2', 'correct-horse-battery');
    await refused.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    expect(new URL(refused.url()).pathname).toBe('/login');
    await refused.context().close();
    await row.getByRole('button', { name: '启用' }).click();
    await row.getByText('正常').waitFor();

    await row.getByRole('button', { name: 'API 令牌' }).click();
    const drawer = admin.getByRole('dialog', { name: 'window2 的 API 令牌' });
    await drawer.getByLabel('用途说明', { exact: true }).fill('window system');
    await drawer.getByRole('button', { name: '签发令牌' }).click();
    const token = (await drawer.locator('code.token').textContent())!;
    expect(token).toMatch(/^yjs_/);
    const me = await fetch(`${stack.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { username: string }).username).toBe('window2');
    await checked(admin, 'admin: tokens');
    await drawer.getByRole('button', { name: '吊销' }).click();
    await drawer.getByRole('button', { name: '吊销' }).waitFor({ state: 'detached' });
    await admin.keyboard.press('Escape');
  });

  it('views a process as a diagram, sees every problem of a broken definition, publishes a new version', async () => {
    await admin.getByRole('link', { name: '流程版本' }).click();
    await choose(admin, '流程', '企业开办');
    const diagram = admin.getByRole('img', { name: '企业开办的办理流程图' });
    await diagram.waitFor();
    // Six steps: registration, then the five that run in parallel once it is approved.
    expect(await diagram.locator('rect').count()).toBe(6);
    expect(await diagram.locator('path[marker-end]').count()).toBe(5);
    await checked(admin, 'admin: processes');
    await saveScreenshot(admin, 'admin-processes');

    const editor = admin.getByLabel('流程定义（JSON）', { exact: true });
    const definition = JSON.parse(await editor.inputValue());
    expect(definition.version).toBe(2);
    const broken = structuredClone(definition);
    broken.steps[1].dependsOn = ['nowhere'];
    broken.steps[2].department = 'NOBODY';
    await editor.fill(JSON.stringify(broken, null, 2));
    await admin.getByRole('button', { name: '发布', exact: true }).click();
    const notice = admin.getByRole('alert').filter({ hasText: /定义有 \d+ 处问题/ });
    await notice.waitFor();
    const problems = await notice.locator('li').allTextContents();
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.join('\n')).toContain('nowhere');
    expect(problems.join('\n')).toContain('NOBODY');
    await checked(admin, 'admin: refused definition');

    await editor.fill(JSON.stringify(definition, null, 2));
    await admin.getByRole('button', { name: '发布', exact: true }).click();
    await admin.getByText('已发布 company-startup 第 2 版。').waitFor();
  });

  it('views a calendar year and sees every problem of a bad notice', async () => {
    await admin.getByRole('link', { name: '工作日历' }).click();
    await admin.getByRole('table', { name: '十月' }).waitFor();
    await checked(admin, 'admin: calendars');
    await saveScreenshot(admin, 'admin-calendars');
    await admin.getByLabel('年份', { exact: true }).last().fill('2027');
    await admin.getByLabel('放假日期', { exact: true }).fill('2027-01-01, 2027-13-01');
    await admin.getByLabel('调休上班日期', { exact: true }).fill('2027-01-01');
    await admin.getByRole('button', { name: '发布', exact: true }).click();
    await admin
      .getByRole('alert')
      .filter({ hasText: /日历有 \d+ 处问题|2027/ })
      .first()
      .waitFor();
    await checked(admin, 'admin: refused calendar');
  });

  it('switches to English', async () => {
    await admin.getByRole('button', { name: 'English' }).click();
    await admin.getByRole('link', { name: 'Users' }).waitFor();
    await admin.getByRole('heading', { name: 'Working-day calendars' }).waitFor();
    expect(await admin.evaluate<string>('document.documentElement.lang')).toBe('en');
    await checked(admin, 'admin: calendars in English');
    await admin.getByRole('button', { name: '中文' }).click();
    await admin.getByRole('link', { name: '用户管理' }).waitFor();
    await admin.context().close();
  });
});
