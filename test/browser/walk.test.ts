// A company start-up (企业开办) walked through the browser by everyone who touches it, against the engine as
// `npm start` runs it: the clerk fills the form generated from the definition, gets the server's one-time
// notice of a defect and fixes it, uploads the materials, submits and prints the receipt; Market
// Supervision approves with the credit code; Public Security asks for a supplement, which the clerk
// answers; every department approves (Tax and the bank on the department simulator, by themselves); the
// clerk delivers; the applicant tracks the case on a phone; the manager finds it and opens its timeline.
// Also: a department opening another department's task is refused. axe-core checks every page visited;
// each role's main page is saved as a screenshot for the README.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  companyStartupApplication as app,
  companyStartupApprovals as approvals,
} from '../fixtures/examples.ts';
import { fillCompanyStartup, STARTUP_MATERIALS, uploadMaterial } from './company-form.ts';
import {
  cspViolations,
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
const DESKTOP = { viewport: { width: 1366, height: 900 } };

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const password = (user: string) => stack.credentials.find((c) => c.user === user)!.password;

/** A signed-in staff member in a browser of their own, on their role's first page. */
async function staff(user: string): Promise<Page> {
  const page = await newPage(browser, DESKTOP);
  await login(page, stack.baseUrl, user, password(user));
  await page.waitForURL((url) => url.pathname !== '/login');
  return page;
}

/** Waits for the page to settle (no spinner), then runs axe-core on it. */
async function checked(page: Page, label: string): Promise<void> {
  await page.locator('.page-loading').waitFor({ state: 'detached' });
  await expectAccessible(page, label);
}

/** Opens a task from the worklist by its case number and step title. */
async function openTask(page: Page, caseNo: string, step: string): Promise<void> {
  await page.goto(`${stack.baseUrl}/tasks`);
  const link = page.getByRole('link', { name: `${caseNo} ${step}：办理` });
  await expect.poll(async () => link.count(), { timeout: 30_000, interval: 1000 }).toBe(1);
  await link.click();
  await page.getByRole('heading', { level: 2, name: new RegExp(step) }).waitFor();
}

async function approve(page: Page, outputs: Record<string, string>): Promise<void> {
  await page.getByRole('tab', { name: '准予' }).click();
  for (const [label, value] of Object.entries(outputs)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await page.getByRole('button', { name: '准予并出具结果' }).click();
  await page.getByText('已准予').first().waitFor({ timeout: 30_000 });
}

let caseId = '';
let caseNo = '';
let trackingCode = '';

describe('a company start-up in the browser, across roles', () => {
  it('the clerk fills the generated form, fixes the defect the server notices, uploads, submits and prints the receipt', async () => {
    const page = await staff('clerk');
    expect(new URL(page.url()).pathname).toBe('/clerk');
    await page.getByRole('heading', { name: '选择要办理的“一件事”' }).waitFor();
    await checked(page, 'clerk: catalog');
    await saveScreenshot(page, 'clerk-catalog');

    await page.getByRole('button', { name: '开始受理：企业开办' }).click();
    // One digit short: the defect the server's notice will name.
    await fillCompanyStartup(page, app.legalRepresentative.idNumber.slice(0, 17));
    // The steps' conditions are evaluated as the clerk types: all six apply to a company start-up.
    await expect.poll(() => page.getByText('需办理', { exact: true }).count()).toBe(6);

    for (const [title, file] of STARTUP_MATERIALS) await uploadMaterial(page, title, file);
    await page.getByText('材料已齐全').waitFor();

    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: '提交受理' }).click();
    const answer = await refused;
    expect(answer.status()).toBe(400);
    const problem = await answer.json();
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'application.legalRepresentative.idNumber' }),
    ]);
    // The one-time notice lists it, named by its field, and the field itself is marked.
    const notice = page.getByRole('alert').filter({ hasText: '本次申请共有 1 处问题' });
    await notice.waitFor();
    expect(await notice.locator('li').allTextContents()).toEqual(['法定代表人 / 公民身份号码：格式不正确']);
    await expect.poll(() => page.locator('.ant-form-item-has-error').count()).toBe(1);
    await checked(page, 'clerk: intake form with the notice');
    await saveScreenshot(page, 'clerk-intake');

    await page.getByLabel('公民身份号码', { exact: true }).fill(app.legalRepresentative.idNumber);
    await page.getByRole('button', { name: '提交受理' }).click();
    await page.waitForURL(/\/clerk\/cases\/[0-9a-f-]{36}\/receipt$/, { timeout: 60_000 });
    caseId = /cases\/([0-9a-f-]{36})/.exec(page.url())![1]!;

    const receipt = page.getByRole('article', { name: '受理回执' });
    await receipt.getByText('设立登记（市场监督管理局）').waitFor();
    caseNo = (await page.getByTestId('receipt-case-no').textContent())!.trim();
    trackingCode = (await page.getByTestId('receipt-tracking-code').textContent())!.trim();
    expect(caseNo).toMatch(/^YJS-\d{8}-\d{6}$/);
    expect(trackingCode.length).toBeGreaterThanOrEqual(8);
    await receipt.getByText('公司章程').waitFor();
    const qr = receipt.getByRole('img', { name: '进度查询页二维码' });
    expect(await qr.count()).toBe(1);
    await checked(page, 'clerk: receipt');
    // Printing: the browser's print dialog opens, and the printout is the receipt alone.
    await page.evaluate(`window.printed = 0; window.print = () => { window.printed += 1; };`);
    await page.getByRole('button', { name: '打印回执' }).click();
    expect(await page.evaluate<number>('window.printed')).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.staff-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '打印回执' }).isVisible()).toBe(false);
    expect(await receipt.isVisible()).toBe(true);
    await saveScreenshot(page, 'clerk-receipt');
    await page.context().close();
  });

  it('Market Supervision sees only its fields and approves with the credit code', async () => {
    const page = await staff('samr');
    expect(new URL(page.url()).pathname).toBe('/tasks');
    await page.getByRole('link', { name: `${caseNo} 设立登记：办理` }).waitFor({ timeout: 30_000 });
    await checked(page, 'department: worklist');
    await saveScreenshot(page, 'department-worklist');
    await openTask(page, caseNo, '设立登记');
    await page.getByText(app.companyName).first().waitFor();
    // Employees and seals belong to other steps: not shown to registration.
    expect(await page.getByText('开业时员工人数').count()).toBe(0);
    await page.getByRole('link', { name: '公司章程' }).waitFor();
    const r = approvals.registration.outputs;
    await checked(page, 'department: task');
    await approve(page, {
      统一社会信用代码: r.creditCode,
      登记的企业名称: r.companyName,
      法定代表人: r.legalRepresentativeName,
      登记住所: r.registeredAddress,
      核准的经营范围: r.businessScope,
      成立日期: r.registrationDate,
    });
    await page.context().close();
  });

  it('Public Security sees the credit code with its provenance and asks for a supplement; another department’s task is refused', async () => {
    const page = await staff('psb');
    await openTask(page, caseNo, '公章刻制备案');
    await page.getByText(approvals.registration.outputs.creditCode).waitFor();
    await page
      .getByText(/来自 市场监督管理局，\d\d-\d\d \d\d:\d\d/)
      .first()
      .waitFor();
    await checked(page, 'department: task with shared data');
    await saveScreenshot(page, 'department-task');
    await page.getByRole('tab', { name: '一次性告知补正' }).click();
    await page.getByLabel('材料或内容', { exact: true }).click();
    await page.locator('.ant-select-item-option', { hasText: '法定代表人身份证明' }).click();
    await selectClosed(page);
    await page.getByLabel('原因', { exact: true }).fill('身份证复印件不清晰');
    await page.getByLabel('审批意见', { exact: true }).fill('材料不齐，请补正');
    await checked(page, 'department: supplement form');
    await page.getByRole('button', { name: '发出补正告知' }).click();
    await page.getByText('待补正').first().waitFor({ timeout: 30_000 });

    // Registration is Market Supervision's: Public Security may not open it.
    await page.goto(`${stack.baseUrl}/tasks/${caseId}/registration`);
    await page.getByText('该事项由 市场监督管理局 办理，本部门无权查看。').waitFor();
    expect(await page.getByText(app.companyName).count()).toBe(0);
    await checked(page, 'department: refused task');
    await page.context().close();

    // The Health Commission has no step in the case: the server refuses the case itself.
    const health = await staff('health');
    await health.goto(`${stack.baseUrl}/tasks/${caseId}/registration`);
    await health.getByText('本部门在该办件中没有办理事项，无权查看。').waitFor();
    await checked(health, 'department: refused case');
    await health.context().close();
  });

  it('the clerk answers the supplement with a new upload; Public Security, HR and the housing fund approve', async () => {
    const page = await staff('clerk');
    await page.getByRole('link', { name: '补正队列' }).click();
    const card = page.locator('.ant-card', { hasText: `${caseNo} · 公章刻制备案` });
    await card.waitFor({ timeout: 30_000 });
    await card.getByText('身份证复印件不清晰').waitFor();
    await checked(page, 'clerk: supplement queue');
    await uploadMaterial(page, '法定代表人身份证明', 'representative-id-clear.pdf');
    await card.getByLabel('补正说明', { exact: true }).fill('已补充清晰的身份证复印件');
    await card.getByRole('button', { name: '提交补正' }).click();
    await page.getByText('目前没有待补正的事项。').waitFor({ timeout: 30_000 });
    await page.context().close();

    const psb = await staff('psb');
    await openTask(psb, caseNo, '公章刻制备案');
    await approve(psb, { 印章备案号: approvals.seal.outputs.sealFilingNo });
    await psb.context().close();
    const hrss = await staff('hrss');
    await openTask(hrss, caseNo, '社保医保登记');
    await approve(hrss, { 社保登记号: approvals['social-insurance'].outputs.socialInsuranceNo });
    await hrss.context().close();
    const hpf = await staff('hpf');
    await openTask(hpf, caseNo, '住房公积金缴存登记');
    await approve(hpf, { 公积金账号: approvals['housing-fund'].outputs.housingFundAccountNo });
    await hpf.context().close();
  });

  it('once Tax and the bank have decided on their own systems, the clerk delivers every result at once', async () => {
    const page = await staff('clerk');
    await page.goto(`${stack.baseUrl}/clerk/cases/${caseId}`);
    // Tax and the bank decide on the simulator a few seconds after dispatch; the page refreshes itself.
    await page.getByRole('heading', { name: '统一出件' }).waitFor({ timeout: 90_000 });
    await page.getByText('已办结').first().waitFor();
    await page.getByRole('cell', { name: approvals.registration.outputs.creditCode }).waitFor();
    await page.getByRole('cell', { name: approvals.seal.outputs.sealFilingNo }).waitFor();
    await page.getByLabel('备注', { exact: true }).fill('申请人本人领取');
    await checked(page, 'clerk: delivery');
    await page.getByRole('button', { name: '确认出件' }).click();
    await page.getByText('出件记录').waitFor();
    await page.getByText('窗口领取').waitFor();
    await saveScreenshot(page, 'clerk-delivery');
    await page.context().close();
  });

  it('the applicant follows the case on a phone and rates the service', async () => {
    const page = await newPage(browser, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${stack.baseUrl}/track?caseNo=${encodeURIComponent(caseNo)}`);
    expect(await page.getByLabel('受理编号', { exact: true }).inputValue()).toBe(caseNo);
    await checked(page, 'applicant: look-up form');
    await page.getByLabel('查询码', { exact: true }).fill(trackingCode);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('全部事项已办结，办理结果已交付').waitFor();
    await page.getByText('设立登记').first().waitFor();
    await page.getByRole('heading', { name: '谁查看了您的信息' }).waitFor();
    await page.getByText('市场监督管理局').first().waitFor();
    // Nothing wider than the phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await checked(page, 'applicant: progress');
    await saveScreenshot(page, 'applicant-track');
    // A bad rating names the office it is about and opens a follow-up (整改) the applicant can follow.
    await page.getByLabel('2 星', { exact: true }).check();
    await page.getByLabel('您的不满主要针对', { exact: true }).selectOption({ label: '市场监督管理局' });
    await page.getByLabel('意见和建议（可不填）', { exact: true }).fill('领取营业执照时等候太久');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('您已评价：2 星').waitFor();
    await page.getByRole('heading', { name: '差评整改' }).waitFor();
    await page.getByText('处理中').waitFor();
    await checked(page, 'applicant: rated');
    await page.context().close();
  });

  it('Market Supervision answers the bad rating within its 15 working days; the applicant reads the answer', async () => {
    const page = await staff('samr');
    await page.getByRole('link', { name: '差评整改' }).click();
    const row = page.getByRole('row').filter({ hasText: caseNo });
    await row.getByText('领取营业执照时等候太久').waitFor();
    await row.getByText('市场监督管理局').waitFor();
    await checked(page, 'department: follow-ups');
    await saveScreenshot(page, 'department-follow-ups');
    await row.getByRole('button', { name: '答复' }).click();
    const dialog = page.getByRole('dialog', { name: `答复 ${caseNo} 的差评` });
    await dialog.getByLabel('答复内容', { exact: true }).fill('已增设取照窗口，等候时间缩短至 10 分钟以内');
    await dialog.getByRole('button', { name: '提交答复' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.context().close();

    const applicant = await newPage(browser, { viewport: { width: 375, height: 812 }, isMobile: true });
    await applicant.goto(`${stack.baseUrl}/track?caseNo=${encodeURIComponent(caseNo)}`);
    await applicant.getByLabel('查询码', { exact: true }).fill(trackingCode);
    await applicant.getByRole('button', { name: '查询' }).click();
    await applicant.getByText('已答复').waitFor();
    await applicant.getByText('已增设取照窗口，等候时间缩短至 10 分钟以内').waitFor();
    await checked(applicant, 'applicant: follow-up answered');
    await applicant.context().close();
  });

  it('the manager finds the case by its number and opens its timeline, clocks, audit check and access log', async () => {
    const page = await staff('manager');
    expect(new URL(page.url()).pathname).toBe('/manager');
    await page.getByRole('heading', { name: '督办总览' }).waitFor();
    // This month's figures come from the SLA report over every case: the case of this walk is among them.
    const opened = page.locator('.ant-statistic').filter({ hasText: '本月受理' });
    await opened
      .locator('.ant-statistic-content-value')
      .filter({ hasText: /^[1-9]\d*$/ })
      .waitFor();
    await checked(page, 'manager: dashboard');
    await saveScreenshot(page, 'manager-dashboard');
    await page.getByRole('link', { name: '办件查询' }).click();
    await page.getByLabel('受理编号', { exact: true }).fill(caseNo.slice(0, 12));
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('link', { name: caseNo }).click();
    await page.getByRole('heading', { name: `办件 ${caseNo}` }).waitFor();
    await page.getByText('受理并启动').waitFor();
    await page.getByText('差评整改：已答复').waitFor();
    await page.getByText('告知补正').first().waitFor();
    await page.getByText('统一出件').first().waitFor();
    await page.getByRole('button', { name: '校验审计链' }).click();
    await page.getByText(/审计链完整：\d+ 条记录均未被篡改/).waitFor();
    await page.getByRole('heading', { name: '数据访问记录' }).waitFor();
    await checked(page, 'manager: case');
    await saveScreenshot(page, 'manager-case');
    await page.context().close();
  });
});

describe('the Content-Security-Policy', () => {
  it('blocked nothing the pages above needed', () => {
    expect(cspViolations()).toEqual([]);
  });
});
