// The clerk's intake in the browser beyond the walk: the steps that apply and their materials follow the
// definition's conditions as the clerk types (a restaurant's fire check from 300 m², its sign permit only
// with an outdoor sign), and a non-core material accepted with a due date (容缺受理) is on the receipt,
// then attached on the case's page. axe-core on every page visited.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillCompanyStartup, STARTUP_MATERIALS, uploadMaterial } from './company-form.ts';
import {
  cspViolations,
  expectAccessible,
  launchBrowser,
  login,
  newPage,
  type Stack,
  startStack,
} from './harness.ts';

let stack: Stack;
let browser: Browser;
let clerk: Page;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  clerk = await newPage(browser, { viewport: { width: 1366, height: 900 } });
  await login(clerk, stack.baseUrl, 'clerk', stack.credentials.find((c) => c.user === 'clerk')!.password);
  await clerk.waitForURL((url) => url.pathname === '/clerk');
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const FIRE = '公众聚集场所投入使用、营业前消防安全检查';
const SIGN = '户外招牌设置许可';

/** The tag the steps list shows for a step: 需办理 or 不适用. */
const stepTag = (page: Page, title: string) =>
  page.locator('.plain-list li', { hasText: title }).locator('.ant-tag').textContent();
const onChecklist = (page: Page, material: string) =>
  page.locator('.materials .material', { hasText: material }).count();

describe('the clerk’s intake', () => {
  it('recomputes the steps that apply and their materials as the clerk types', async () => {
    await clerk.getByRole('button', { name: '开始受理：开办餐饮店' }).click();
    const area = clerk.getByLabel('经营场所面积（平方米）', { exact: true });
    await area.waitFor();
    expect(await stepTag(clerk, FIRE)).toBe('不适用');
    expect(await stepTag(clerk, SIGN)).toBe('不适用');
    expect(await onChecklist(clerk, '消防安全告知承诺书')).toBe(0);

    await area.fill('350');
    await expect.poll(() => stepTag(clerk, FIRE)).toBe('需办理');
    expect(await onChecklist(clerk, '消防安全告知承诺书')).toBe(1);
    await area.fill('200');
    await expect.poll(() => stepTag(clerk, FIRE)).toBe('不适用');
    expect(await onChecklist(clerk, '消防安全告知承诺书')).toBe(0);

    await clerk.getByLabel('是否设置户外招牌', { exact: true }).check();
    await expect.poll(() => stepTag(clerk, SIGN)).toBe('需办理');
    expect(await onChecklist(clerk, '招牌设计效果图')).toBe(1);
    await expectAccessible(clerk, 'clerk: restaurant intake');
  });

  it('accepts a case with a non-core material promised by a date, shown on the receipt and attached later', async () => {
    await clerk.goto(`${stack.baseUrl}/clerk`);
    await clerk.getByRole('button', { name: '开始受理：企业开办' }).click();
    await fillCompanyStartup(clerk);
    for (const [title, file] of STARTUP_MATERIALS.filter(([t]) => t !== '银行开户申请书'))
      await uploadMaterial(clerk, title, file);
    const row = clerk.locator('.materials .material', { hasText: '银行开户申请书' });
    await row.getByLabel('容缺受理（后补）', { exact: true }).check();
    await row.getByText(/容缺受理，\d{4}-\d{2}-\d{2} 前补交/).waitFor();
    await clerk.getByText('材料已齐全').waitFor();
    await expectAccessible(clerk, 'clerk: intake with a deficiency');
    await clerk.getByRole('button', { name: '提交受理' }).click();
    await clerk.waitForURL(/\/receipt$/, { timeout: 60_000 });

    const receipt = clerk.getByRole('article', { name: '受理回执' });
    await receipt.getByText(/银行开户申请书：\d{4}-\d{2}-\d{2} \d{2}:\d{2} 前补交/).waitFor();
    await expectAccessible(clerk, 'clerk: receipt with a deficiency');

    await clerk.getByRole('link', { name: '查看办件' }).click();
    const owed = clerk.locator('.ant-card', { hasText: '容缺材料待补交' });
    await owed.waitFor();
    await expectAccessible(clerk, 'clerk: case with owed materials');
    await owed.getByLabel('上传：银行开户申请书', { exact: true }).setInputFiles({
      name: 'bank-application.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1'),
    });
    await owed.getByText('材料已补交。').waitFor();
    // Nothing owed any more: the row is gone once the case says so.
    await owed.locator('li.material').waitFor({ state: 'detached', timeout: 30_000 });
  });
});

describe('the Content-Security-Policy', () => {
  it('blocked nothing the pages above needed', () => {
    expect(cspViolations()).toEqual([]);
  });
});
