// 退休一件事 Retirement (see domain.md): the pension application decides the retirement date; with it the
// housing-fund account is frozen and paid out and the medical insurance becomes a retiree's, in parallel.
import type { ProcessDefinition } from '../process/definition.ts';
import { anchored, bankAccountField, dateField, personField } from './common.ts';
import { CREDIT_CODE_PATTERN } from './company-startup.ts';
import { DEPARTMENTS } from './departments.ts';
import { withPrivacy } from './privacy.ts';
import { RETIREMENT } from './privacy-declarations.ts';

/** The flow; the exported definition adds its personal-data declarations (processes/privacy.ts). */
const flow: ProcessDefinition = {
  id: 'retirement',
  version: 1,
  title: '退休一件事 Retirement',
  description:
    'The pension application sets the retirement date; then, in parallel, the housing-fund account is ' +
    'frozen and withdrawn and the retiree medical insurance status begins. Promise: five working days.',
  departments: [DEPARTMENTS.HRSS, DEPARTMENTS.HPF, DEPARTMENTS.HSA],
  form: {
    type: 'object',
    additionalProperties: false,
    required: ['applicant', 'sex', 'dateOfBirth', 'employer', 'insuredType', 'retirementType', 'bankAccount'],
    properties: {
      applicant: personField('申请人 Applicant', {
        address: { type: 'string', minLength: 5, maxLength: 200, title: '居住地址 Address' },
      }),
      sex: { type: 'string', enum: ['male', 'female'], title: '性别 Sex' },
      dateOfBirth: dateField('出生日期（以档案为准） Date of birth (as in the personnel file)'),
      employer: {
        type: 'object',
        title: '参保单位 Employer',
        additionalProperties: false,
        required: ['name', 'creditCode'],
        properties: {
          name: { type: 'string', minLength: 2, maxLength: 100, title: '单位名称 Name' },
          creditCode: {
            type: 'string',
            pattern: anchored(CREDIT_CODE_PATTERN),
            title: '统一社会信用代码 Unified social credit code',
          },
        },
      },
      insuredType: {
        type: 'string',
        enum: ['employee', 'flexible-employment'],
        title: '参保身份 Insured as an employee or in flexible employment',
      },
      // The 2025 reform raises the statutory age gradually and lets people retire up to three years earlier
      // (not below the old age) or later by choice (弹性退休).
      retirementType: {
        type: 'string',
        enum: ['statutory-age', 'flexible-early', 'flexible-late', 'special-job', 'disability'],
        title: '退休类型 Kind of retirement',
      },
      requestedRetirementDate: dateField('弹性退休申请日期 Requested date (flexible retirement)'),
      originalPositionType: {
        type: 'string',
        enum: ['worker', 'manager-or-technical'],
        title: '原退休年龄身份（女职工） Position type (for women, the former retirement age)',
      },
      bankAccount: bankAccountField('养老金及公积金收款账户 Account for the pension and housing fund'),
      housingFundAccountNo: {
        type: 'string',
        pattern: '^\\d{6,20}$',
        title: '住房公积金个人账号 Housing-fund account number',
      },
      medicalTopUp: {
        type: 'boolean',
        title: '医保缴费年限不足时一次性补缴 Pay any shortfall of medical insurance years at once',
      },
    },
  },
  materials: [
    { id: 'applicant-id', title: '申请人身份证 ID card', core: true },
    { id: 'personnel-file', title: '人事档案（出生时间、工作经历） Personnel file', core: true },
  ],
  promise: { days: 5 },
  steps: [
    {
      id: 'pension',
      title: '养老保险待遇申领 Pension application',
      department: 'HRSS',
      adapter: 'worklist',
      dependsOn: [],
      fields: [
        'applicant',
        'sex',
        'dateOfBirth',
        'employer',
        'insuredType',
        'retirementType',
        'requestedRetirementDate',
        'originalPositionType',
        'bankAccount',
      ],
      // Special-job and disability retirements also need their proof (特殊工种证明, 劳动能力鉴定结论), but
      // intake requires every material a step names of every applicant; HRSS asks for them by a supplement
      // request (补正) in those cases.
      materials: ['applicant-id', 'personnel-file'],
      inputs: [],
      onDeny: 'stop-case',
      outputs: [
        { name: 'retirementDate', title: '退休日期 Retirement date', type: 'date' },
        { name: 'pensionStartDate', title: '待遇起始日期 Pension paid from', type: 'date' },
        { name: 'monthlyPension', title: '月养老金（元） Monthly pension (CNY)', type: 'number' },
      ],
      // No item-specific statute is encoded: 20 working days is the single-item cap of domain.md.
      limits: { promised: { days: 3 }, statutory: { days: 20 } },
    },
    {
      id: 'housing-fund',
      title: '住房公积金封存及退休提取 Housing-fund freeze and withdrawal',
      department: 'HPF',
      adapter: 'worklist',
      dependsOn: ['pension'],
      fields: ['applicant', 'housingFundAccountNo', 'bankAccount'],
      materials: ['applicant-id'],
      inputs: ['retirementDate'],
      outputs: [
        { name: 'housingFundFrozenOn', title: '封存日期 Date frozen', type: 'date' },
        { name: 'housingFundWithdrawn', title: '提取金额（元） Amount withdrawn (CNY)', type: 'number' },
      ],
      // 住房公积金管理条例 art. 25: a decision within 3 days of the application.
      limits: { promised: { days: 1 }, statutory: { days: 3 } },
    },
    {
      id: 'retiree-medical',
      title: '退休人员医保待遇核定 Retiree medical insurance status',
      department: 'HSA',
      adapter: 'worklist',
      dependsOn: ['pension'],
      fields: ['applicant', 'sex', 'employer', 'medicalTopUp'],
      materials: ['applicant-id'],
      inputs: ['retirementDate'],
      outputs: [
        { name: 'retireeMedicalFrom', title: '退休医保待遇起始日期 Retiree status from', type: 'date' },
        {
          name: 'medicalShortfallMonths',
          title: '缴费年限缺口（月） Months of contributions missing',
          type: 'number',
          required: false,
        },
      ],
      limits: { promised: { days: 2 }, statutory: { days: 20 } },
    },
  ],
};

export const retirement: ProcessDefinition = withPrivacy(flow, RETIREMENT);
