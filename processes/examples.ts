// Sample applications and decisions for the catalog: used by the README walkthrough, tests and the bench.
// The people and companies are fictitious.
import type { OutputValue } from '../process/decision.ts';

export const companyStartupApplication = {
  companyName: '杭州云栖示例科技有限公司',
  enterpriseType: 'limited-liability',
  registeredCapital: 100,
  address: '杭州市西湖区文三路 90 号',
  businessScope: '软件开发；信息技术咨询服务',
  legalRepresentative: { name: '张三', idNumber: '330106199001011234', phone: '13800000000' },
  employeeCount: 5,
  seals: ['official', 'finance', 'invoice'],
  invoiceTypes: ['electronic'],
  bank: { name: '杭州银行', branch: '西湖支行' },
};

export const registrationApproval: Record<string, OutputValue> = {
  creditCode: '91330106MA2H3K7Q4X',
  companyName: '杭州云栖示例科技有限公司',
  legalRepresentativeName: '张三',
  registeredAddress: '杭州市西湖区文三路 90 号',
  businessScope: '软件开发；信息技术咨询服务',
  registrationDate: '2026-11-28',
};

/** The five parallel steps after registration: step id, department, outputs of an approval. */
export const parallelApprovals: [string, string, Record<string, OutputValue>][] = [
  ['seal', 'PSB', { sealFilingNo: 'GA-330106-2026-0001' }],
  ['tax', 'TAX', { invoiceQuota: 25, taxDeviceNo: 'SK-0001' }],
  ['social-insurance', 'HRSS', { socialInsuranceNo: 'SB-330106-0001' }],
  ['housing-fund', 'HPF', { housingFundAccountNo: 'GJJ-0001' }],
  ['bank', 'BANK', { appointmentRef: 'HZB-20261128-01', appointmentDate: '2026-12-01' }],
];
