// 企业开办 Company start-up (see domain.md): business registration first; once it is approved, seal
// engraving, tax, social insurance, housing fund and the bank appointment run in parallel, each fed the
// unified social credit code and the company's registered particulars (数据共享: never asked again).
import type { ProcessDefinition } from '../process/definition.ts';
import { DEPARTMENTS } from './departments.ts';
import { withPrivacy } from './privacy.ts';
import { COMPANY_STARTUP } from './privacy-declarations.ts';

/** 统一社会信用代码: 18 characters; the alphabet leaves out I, O, Z, S and V. */
export const CREDIT_CODE_PATTERN = '[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}';

const company = ['creditCode', 'companyName'];

/** The flow; the exported definition adds its personal-data declarations (processes/privacy.ts). */
const flow: ProcessDefinition = {
  id: 'company-startup',
  version: 1,
  title: '企业开办 Company start-up',
  description:
    'Register a company and, in parallel once registered, engrave its seals, set up invoicing and tax, ' +
    'register social insurance and the housing fund, and book a bank account appointment. Promise: one working day.',
  // Hangzhou's promise: the whole start-up in one working day (domain.md); each step a few office hours.
  promise: { days: 1 },
  departments: [
    DEPARTMENTS.SAMR,
    DEPARTMENTS.PSB,
    DEPARTMENTS.TAX,
    DEPARTMENTS.HRSS,
    DEPARTMENTS.HPF,
    DEPARTMENTS.BANK,
  ],
  form: {
    type: 'object',
    additionalProperties: false,
    required: [
      'companyName',
      'enterpriseType',
      'registeredCapital',
      'address',
      'businessScope',
      'legalRepresentative',
      'employeeCount',
    ],
    properties: {
      companyName: { type: 'string', minLength: 4, maxLength: 100, title: 'Proposed company name' },
      enterpriseType: {
        type: 'string',
        enum: ['limited-liability', 'sole-proprietorship', 'partnership'],
        title: 'Type of enterprise',
      },
      registeredCapital: { type: 'number', minimum: 0, title: 'Registered capital (10k CNY)' },
      address: { type: 'string', minLength: 5, maxLength: 200, title: 'Registered address' },
      businessScope: { type: 'string', minLength: 2, maxLength: 2000, title: 'Business scope' },
      legalRepresentative: {
        type: 'object',
        title: 'Legal representative',
        additionalProperties: false,
        required: ['name', 'idNumber', 'phone'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 50 },
          idNumber: { type: 'string', pattern: '^\\d{17}[0-9X]$', title: 'Resident ID number' },
          phone: { type: 'string', pattern: '^1\\d{10}$', title: 'Mobile phone' },
        },
      },
      employeeCount: { type: 'integer', minimum: 0, maximum: 100000, title: 'Employees at start' },
      seals: {
        type: 'array',
        title: 'Seals to engrave',
        items: {
          type: 'string',
          enum: ['official', 'finance', 'invoice', 'contract', 'legal-representative'],
        },
        uniqueItems: true,
        default: ['official', 'finance', 'invoice'],
      },
      invoiceTypes: {
        type: 'array',
        title: 'Invoices needed',
        items: { type: 'string', enum: ['general-vat', 'special-vat', 'electronic'] },
        uniqueItems: true,
      },
      bank: {
        type: 'object',
        title: 'Bank for the basic account',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string', minLength: 2 }, branch: { type: 'string' } },
      },
    },
  },
  materials: [
    { id: 'articles-of-association', title: '公司章程 Articles of association', core: true },
    { id: 'representative-id', title: '法定代表人身份证明 ID of the legal representative', core: true },
    { id: 'premises-proof', title: '住所使用证明 Proof of the registered premises', core: true },
    { id: 'shareholder-resolution', title: '股东决定 Shareholders’ resolution' },
    { id: 'bank-application', title: '银行开户申请书 Bank account application' },
  ],
  steps: [
    {
      id: 'registration',
      title: '设立登记 Business registration',
      department: 'SAMR',
      adapter: 'worklist',
      dependsOn: [],
      fields: [
        'companyName',
        'enterpriseType',
        'registeredCapital',
        'address',
        'businessScope',
        'legalRepresentative',
      ],
      materials: ['articles-of-association', 'representative-id', 'premises-proof', 'shareholder-resolution'],
      inputs: [],
      onDeny: 'stop-case',
      limits: { promised: { hours: 4 }, statutory: { days: 15 } },
      outputs: [
        {
          name: 'creditCode',
          title: '统一社会信用代码 Unified social credit code',
          type: 'string',
          pattern: CREDIT_CODE_PATTERN,
        },
        { name: 'companyName', title: 'Registered company name', type: 'string' },
        { name: 'legalRepresentativeName', title: 'Legal representative', type: 'string' },
        { name: 'registeredAddress', title: 'Registered address', type: 'string' },
        { name: 'businessScope', title: 'Approved business scope', type: 'string' },
        { name: 'registrationDate', title: 'Date of establishment', type: 'date' },
      ],
    },
    {
      id: 'seal',
      limits: { promised: { hours: 4 }, statutory: { days: 20 } },
      title: '公章刻制备案 Seal engraving',
      department: 'PSB',
      adapter: 'worklist',
      dependsOn: ['registration'],
      fields: ['seals'],
      materials: ['representative-id'],
      inputs: [...company, 'legalRepresentativeName'],
      outputs: [{ name: 'sealFilingNo', title: 'Seal filing number', type: 'string' }],
    },
    {
      id: 'tax',
      limits: { promised: { hours: 4 }, statutory: { days: 20 } },
      title: '发票申领及税控 Invoices and tax device',
      department: 'TAX',
      adapter: 'worklist',
      dependsOn: ['registration'],
      fields: ['invoiceTypes'],
      materials: [],
      inputs: [...company, 'registeredAddress', 'businessScope', 'legalRepresentativeName'],
      outputs: [
        { name: 'invoiceQuota', title: 'Monthly invoice quota', type: 'number' },
        { name: 'taxDeviceNo', title: 'Tax device number', type: 'string', required: false },
      ],
    },
    {
      id: 'social-insurance',
      limits: { promised: { hours: 4 }, statutory: { days: 20 } },
      title: '社保医保登记 Social and medical insurance registration',
      department: 'HRSS',
      adapter: 'worklist',
      dependsOn: ['registration'],
      fields: ['employeeCount'],
      materials: [],
      inputs: [...company, 'registeredAddress'],
      outputs: [{ name: 'socialInsuranceNo', title: 'Social insurance registration number', type: 'string' }],
    },
    {
      id: 'housing-fund',
      limits: { promised: { hours: 4 }, statutory: { days: 20 } },
      title: '住房公积金缴存登记 Housing-fund registration',
      department: 'HPF',
      adapter: 'worklist',
      dependsOn: ['registration'],
      fields: ['employeeCount'],
      materials: [],
      inputs: [...company, 'registeredAddress'],
      outputs: [{ name: 'housingFundAccountNo', title: 'Housing-fund account number', type: 'string' }],
    },
    {
      id: 'bank',
      limits: { promised: { hours: 4 }, statutory: { days: 20 } },
      title: '银行开户预约 Bank account appointment',
      department: 'BANK',
      adapter: 'worklist',
      dependsOn: ['registration'],
      fields: ['bank'],
      materials: ['bank-application', 'representative-id'],
      inputs: [...company, 'legalRepresentativeName'],
      outputs: [
        { name: 'appointmentRef', title: 'Appointment reference', type: 'string' },
        { name: 'appointmentDate', title: 'Appointment date', type: 'date' },
      ],
    },
  ],
};

export const companyStartup: ProcessDefinition = withPrivacy(flow, COMPANY_STARTUP);
