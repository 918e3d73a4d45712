// Filling the company start-up's generated form and its materials in the browser, by the labels a clerk
// reads (shared by the browser tests that submit one).
import type { Page } from 'playwright-core';
import { companyStartupApplication as app } from '../fixtures/examples.ts';
import { selectClosed } from './harness.ts';

export const SAMPLE_PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

/** The start-up's materials: title on the checklist, file name. */
export const STARTUP_MATERIALS = [
  ['公司章程', 'articles.pdf'],
  ['法定代表人身份证明', 'representative-id.pdf'],
  ['住所使用证明', 'premises.pdf'],
  ['股东决定', 'resolution.pdf'],
  ['银行开户申请书', 'bank-application.pdf'],
] as const;

/** Fills every field of the sample application; `idNumber` replaces the legal representative's. */
export async function fillCompanyStartup(page: Page, idNumber = app.legalRepresentative.idNumber) {
  await page.getByLabel('拟设公司名称', { exact: true }).fill(app.companyName);
  await page.getByLabel('企业类型', { exact: true }).click();
  await page.locator('.ant-select-item-option', { hasText: '有限责任公司' }).click();
  await selectClosed(page);
  await page.getByLabel('注册资本（万元）', { exact: true }).fill(String(app.registeredCapital));
  await page.getByLabel('住所', { exact: true }).fill(app.address);
  await page.getByLabel('经营范围', { exact: true }).fill(app.businessScope);
  await page.getByLabel('姓名', { exact: true }).fill(app.legalRepresentative.name);
  await page.getByLabel('公民身份号码', { exact: true }).fill(idNumber);
  await page.getByLabel('手机号码', { exact: true }).fill(app.legalRepresentative.phone);
  await page.getByLabel('电子发票', { exact: true }).check();
  await page.getByLabel('开业时员工人数', { exact: true }).fill(String(app.employeeCount));
  await page.getByLabel('银行名称', { exact: true }).fill(app.bank.name);
  await page.getByLabel('支行', { exact: true }).fill(app.bank.branch);
}

/** Uploads a (tiny, real) PDF for the material with this title, through its row's file input. */
export async function uploadMaterial(page: Page, title: string, file: string): Promise<void> {
  await page.getByLabel(`上传：${title}`, { exact: true }).setInputFiles({
    name: file,
    mimeType: 'application/pdf',
    buffer: SAMPLE_PDF,
  });
  await page.getByText(`已上传：${file}`).first().waitFor();
}
