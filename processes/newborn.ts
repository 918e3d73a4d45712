// 出生一件事 Newborn (see domain.md): an instant eligibility pre-check, then the birth medical certificate
// and the vaccination record in parallel; once both are approved, household registration (which needs the
// certificate number); then resident medical insurance and the social security card in parallel, both fed
// the child's new ID number. The maternity allowance runs in parallel with all of it once the pre-check
// passes. (domain.md names the steps A-E and G; there is no F.)
import type { Expression, ProcessDefinition } from '../process/definition.ts';
import {
  anchored,
  bankAccountField,
  DIVISION_CODE_PATTERN,
  dateField,
  ID_NUMBER_PATTERN,
  personField,
  phoneField,
} from './common.ts';
import { CREDIT_CODE_PATTERN } from './company-startup.ts';
import { DEPARTMENTS } from './departments.ts';
import { withPrivacy } from './privacy.ts';
import { NEWBORN } from './privacy-declarations.ts';

/** 出生医学证明编号: one letter (the print series) and nine digits, e.g. R330123456. */
export const BIRTH_CERTIFICATE_PATTERN = '[A-Z]\\d{9}';

/**
 * The midwifery institutions (助产机构) whose births the bundle accepts without a person looking. The codes
 * are fictitious placeholders; the real list is published and kept by the Health Commission.
 */
export const LISTED_HOSPITALS: readonly string[] = [
  '330102001',
  '330105002',
  '330106001',
  '330106003',
  '330108001',
  '330110004',
];

/** Household registration in Hangzhou: divisions 3301xx. */
export const LOCAL_DIVISION_PREFIX = '3301';

/**
 * A day number that grows with the date: ((year * 12 + month) * 31 + day) for a 'YYYY-MM-DD' field.
 * Not a real day count, but "same day next month" is exactly 31 more, so "within one calendar month"
 * is a plain comparison (31 Jan -> 28 Feb is within, 1 Mar is not). JsonLogic has no date arithmetic.
 */
function dayNumber(path: string): Expression {
  const part = (from: number, length: number) => ({ substr: [{ var: path }, from, length] });
  return { '+': [{ '*': [{ '+': [{ '*': [part(0, 4), 12] }, part(5, 2)] }, 31] }, part(8, 2)] };
}

/** The hukou division of the parent whose household the child joins (随父 / 随母落户). */
const joinedParentDivision: Expression = {
  if: [
    { '===': [{ var: 'application.householdOf' }, 'father'] },
    { var: ['application.father.hukouDivision', ''] },
    { var: ['application.mother.hukouDivision', ''] },
  ],
};

/** The three pre-check conditions of domain.md, each a JsonLogic expression over `{ application }`. */
export const ELIGIBILITY = {
  /** Born in a listed midwifery institution. */
  listedHospital: { in: [{ var: 'application.hospitalCode' }, [...LISTED_HOSPITALS]] },
  /**
   * Age limit: applied for within one calendar month of the birth, the time 户口登记条例 art. 7 allows
   * for a birth registration, and not before the birth. Rules see no clock, so the comparison is with the
   * form's applicationDate, which the window or portal fills in (the engine does not stamp it).
   */
  ageLimit: {
    and: [
      { '<=': [{ var: 'application.child.birthDate' }, { var: 'application.applicationDate' }] },
      {
        '<=': [
          dayNumber('application.applicationDate'),
          { '+': [dayNumber('application.child.birthDate'), 31] },
        ],
      },
    ],
  },
  /** The parent whose household the child joins is registered (户籍) in Hangzhou. */
  parentRegistered: { '===': [{ substr: [joinedParentDivision, 0, 4] }, LOCAL_DIVISION_PREFIX] },
} satisfies Record<string, Expression>;

const child = {
  type: 'object',
  title: '新生儿 Newborn',
  additionalProperties: false,
  required: ['name', 'sex', 'birthDate', 'birthWeightGrams'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 50, title: '姓名 Name' },
    sex: { type: 'string', enum: ['male', 'female'], title: '性别 Sex' },
    birthDate: dateField('出生日期 Date of birth'),
    birthTime: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', title: '出生时间 Time of birth' },
    birthWeightGrams: { type: 'integer', minimum: 300, maximum: 7000, title: '出生体重（克） Weight (g)' },
    gestationWeeks: { type: 'integer', minimum: 20, maximum: 45, title: '孕周 Weeks of gestation' },
  },
};

const parent = (title: string) =>
  personField(
    title,
    {
      hukouDivision: {
        type: 'string',
        pattern: anchored(DIVISION_CODE_PATTERN),
        title: '户籍地行政区划代码 Division of household registration',
      },
      ethnicity: { type: 'string', maxLength: 20, title: '民族 Ethnicity' },
    },
    ['hukouDivision'],
  );

/** The flow; the exported definition adds its personal-data declarations (processes/privacy.ts). */
const flow: ProcessDefinition = {
  id: 'newborn',
  version: 1,
  title: '出生一件事 Newborn',
  description:
    'Birth medical certificate, vaccination record, household registration, resident medical insurance, ' +
    'social security card and maternity allowance for a newborn in one application, after an instant ' +
    'eligibility pre-check. Promise: five working days, often one hour.',
  departments: [DEPARTMENTS.HEALTH, DEPARTMENTS.PSB, DEPARTMENTS.HSA, DEPARTMENTS.HRSS],
  form: {
    type: 'object',
    additionalProperties: false,
    required: [
      'applicationDate',
      'hospitalCode',
      'child',
      'mother',
      'householdOf',
      'householdAddress',
      'vaccinationClinic',
    ],
    properties: {
      applicationDate: dateField('申请日期 Date of application'),
      hospitalCode: {
        type: 'string',
        pattern: '^\\d{9}$',
        title: '出生医院（助产机构）代码 Code of the midwifery institution',
      },
      child,
      mother: parent('母亲 Mother'),
      father: parent('父亲 Father'),
      householdOf: {
        type: 'string',
        enum: ['mother', 'father'],
        title: '随父或随母落户 Household the child joins',
      },
      householdAddress: {
        type: 'string',
        minLength: 5,
        maxLength: 200,
        title: '落户地址 Address of the household',
      },
      vaccinationClinic: {
        type: 'string',
        minLength: 2,
        maxLength: 100,
        title: '预防接种单位 Vaccination clinic',
      },
      cardDelivery: {
        type: 'object',
        title: '社保卡领取方式 Social security card delivery',
        additionalProperties: false,
        required: ['method'],
        properties: {
          method: { type: 'string', enum: ['post', 'pickup'], title: '方式 Method' },
          address: { type: 'string', minLength: 5, maxLength: 200, title: '邮寄地址 Postal address' },
          phone: phoneField,
        },
      },
      maternity: {
        type: 'object',
        title: '生育津贴 Maternity allowance',
        additionalProperties: false,
        required: ['employerName', 'employerCreditCode'],
        properties: {
          employerName: { type: 'string', minLength: 2, maxLength: 100, title: '参保单位 Employer' },
          employerCreditCode: {
            type: 'string',
            pattern: anchored(CREDIT_CODE_PATTERN),
            title: '单位统一社会信用代码 Employer credit code',
          },
          maternityLeaveDays: { type: 'integer', minimum: 0, maximum: 365, title: '产假天数 Days of leave' },
        },
      },
      bankAccount: bankAccountField('生育津贴收款账户 Account for the maternity allowance'),
    },
  },
  // Intake requires every material an applicable step names, so only what every family has is named: a
  // marriage certificate (not needed since children born outside marriage may be registered too) and the
  // hospital records (the hospital's own data) are reused, not asked for.
  materials: [
    { id: 'parent-ids', title: '父母身份证 Parents’ ID cards', core: true },
    { id: 'household-register', title: '户口簿 Household register of the household joined', core: true },
  ],
  promise: { days: 5 },
  steps: [
    {
      // 秒批: decides over the application alone. A birth that misses a condition (born at home, in another
      // city, registered late) is not refused: a person looks at it (otherwise: 'worklist').
      id: 'eligibility',
      title: '资格预审 Eligibility pre-check',
      department: 'HEALTH',
      adapter: 'auto',
      dependsOn: [],
      fields: ['applicationDate', 'hospitalCode', 'child', 'mother', 'father', 'householdOf'],
      materials: [],
      inputs: [],
      outputs: [],
      rules: [
        {
          id: 'eligible',
          description:
            'Born in a listed midwifery institution, applied for within one month of the birth, and the ' +
            'parent whose household the child joins is registered in Hangzhou',
          when: { and: [ELIGIBILITY.listedHospital, ELIGIBILITY.ageLimit, ELIGIBILITY.parentRegistered] },
          outcome: 'approve',
        },
      ],
      otherwise: 'worklist',
      onDeny: 'stop-case',
      limits: { promised: { hours: 1 } },
    },
    {
      id: 'birth-certificate',
      title: '出生医学证明 Birth medical certificate',
      department: 'HEALTH',
      adapter: 'worklist',
      dependsOn: ['eligibility'],
      fields: ['hospitalCode', 'child', 'mother', 'father'],
      materials: ['parent-ids'],
      inputs: [],
      outputs: [
        {
          name: 'birthCertificateNo',
          title: '出生医学证明编号 Birth medical certificate number',
          type: 'string',
          pattern: BIRTH_CERTIFICATE_PATTERN,
        },
        { name: 'birthCertificateIssuedOn', title: '签发日期 Date of issue', type: 'date' },
      ],
      // No item-specific statute is encoded: 20 working days is the single-item cap of domain.md.
      limits: { promised: { days: 1 }, statutory: { days: 20 } },
    },
    {
      id: 'vaccination',
      title: '预防接种证 Vaccination record',
      department: 'HEALTH',
      adapter: 'worklist',
      dependsOn: ['eligibility'],
      fields: ['child', 'mother', 'vaccinationClinic'],
      materials: [],
      inputs: [],
      outputs: [
        { name: 'vaccinationRecordNo', title: '预防接种证编号 Vaccination record number', type: 'string' },
        {
          name: 'firstVaccinationDate',
          title: '首次接种预约日期 First vaccination appointment',
          type: 'date',
          required: false,
        },
      ],
      limits: { promised: { days: 1 }, statutory: { days: 20 } },
    },
    {
      id: 'household',
      title: '出生登记（户口） Household registration',
      department: 'PSB',
      adapter: 'worklist',
      dependsOn: ['birth-certificate', 'vaccination'],
      fields: ['child', 'mother', 'father', 'householdOf', 'householdAddress'],
      materials: ['parent-ids', 'household-register'],
      inputs: ['birthCertificateNo'],
      outputs: [
        {
          name: 'childIdNumber',
          title: '新生儿公民身份号码 The child’s ID number',
          type: 'string',
          pattern: ID_NUMBER_PATTERN,
        },
        { name: 'householdRegisteredOn', title: '落户日期 Date of registration', type: 'date' },
      ],
      limits: { promised: { days: 1 }, statutory: { days: 20 } },
    },
    {
      id: 'medical-insurance',
      title: '城乡居民医保参保 Resident medical insurance',
      department: 'HSA',
      adapter: 'worklist',
      dependsOn: ['household'],
      fields: ['child'],
      materials: [],
      inputs: ['childIdNumber'],
      outputs: [{ name: 'residentInsuranceFrom', title: '参保生效日期 Insured from', type: 'date' }],
      limits: { promised: { days: 1 }, statutory: { days: 20 } },
    },
    {
      id: 'social-security-card',
      title: '社会保障卡申领 Social security card',
      department: 'HRSS',
      adapter: 'worklist',
      dependsOn: ['household'],
      fields: ['child', 'cardDelivery'],
      materials: [],
      inputs: ['childIdNumber'],
      outputs: [
        { name: 'socialSecurityCardNo', title: '社会保障卡卡号 Card number', type: 'string' },
        { name: 'cardIssuedOn', title: '制卡日期 Date the card was made', type: 'date', required: false },
      ],
      limits: { promised: { days: 2 }, statutory: { days: 20 } },
    },
    {
      // Maternity insurance is run by Medical Security; the allowance is paid into the mother's account, the
      // only step that sees it.
      id: 'maternity-allowance',
      title: '生育津贴申领 Maternity allowance',
      department: 'HSA',
      adapter: 'worklist',
      dependsOn: ['eligibility'],
      fields: ['child', 'mother', 'maternity', 'bankAccount'],
      materials: ['parent-ids'],
      inputs: [],
      outputs: [
        { name: 'maternityAllowance', title: '生育津贴金额（元） Allowance (CNY)', type: 'number' },
        { name: 'allowancePaidOn', title: '发放日期 Date paid', type: 'date', required: false },
      ],
      limits: { promised: { days: 5 }, statutory: { days: 20 } },
    },
  ],
};

export const newborn: ProcessDefinition = withPrivacy(flow, NEWBORN);
