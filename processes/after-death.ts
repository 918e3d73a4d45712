// 身后一件事 After a death (see domain.md): the death certificate first; then cremation and the household
// cancellation in parallel; once both are done, the pension stop and funeral grant (which needs the
// cremation certificate), the medical account settlement and the housing-fund withdrawal in parallel.
import type { ProcessDefinition } from '../process/definition.ts';
import {
  anchored,
  bankAccountField,
  DIVISION_CODE_PATTERN,
  dateField,
  idNumberField,
  personField,
} from './common.ts';
import { DEPARTMENTS } from './departments.ts';
import { withPrivacy } from './privacy.ts';
import { AFTER_DEATH } from './privacy-declarations.ts';

/** The steps after cremation and cancellation: each consumes the death facts and the cancellation. */
const deathFacts = ['deathCertificateNo', 'dateOfDeath', 'householdCancelledOn'];

/** The flow; the exported definition adds its personal-data declarations (processes/privacy.ts). */
const flow: ProcessDefinition = {
  id: 'after-death',
  version: 1,
  title: '身后一件事 After a death',
  description:
    'Death certificate, then cremation and household cancellation, then the pension stop and funeral ' +
    'grant, the medical insurance account settlement and the housing-fund withdrawal for the heirs. ' +
    'Promise: five working days.',
  departments: [
    DEPARTMENTS.HEALTH,
    DEPARTMENTS.CIVIL,
    DEPARTMENTS.PSB,
    DEPARTMENTS.HRSS,
    DEPARTMENTS.HSA,
    DEPARTMENTS.HPF,
  ],
  form: {
    type: 'object',
    additionalProperties: false,
    required: ['deceased', 'death', 'informant', 'funeral', 'payeeAccount'],
    properties: {
      deceased: {
        type: 'object',
        title: '逝者 The deceased',
        additionalProperties: false,
        required: ['name', 'idNumber', 'sex', 'dateOfBirth', 'hukouDivision'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 50, title: '姓名 Name' },
          idNumber: idNumberField,
          sex: { type: 'string', enum: ['male', 'female'], title: '性别 Sex' },
          dateOfBirth: dateField('出生日期 Date of birth'),
          hukouDivision: {
            type: 'string',
            pattern: anchored(DIVISION_CODE_PATTERN),
            title: '户籍地行政区划代码 Division of household registration',
          },
          hukouAddress: {
            type: 'string',
            minLength: 5,
            maxLength: 200,
            title: '户籍地址 Registered address',
          },
        },
      },
      death: {
        type: 'object',
        title: '死亡情况 The death',
        additionalProperties: false,
        required: ['date', 'place'],
        properties: {
          date: dateField('死亡日期 Date of death'),
          place: {
            type: 'string',
            enum: ['hospital', 'home', 'elsewhere'],
            title: '死亡地点 Place of death',
          },
          institutionCode: {
            type: 'string',
            pattern: '^\\d{9}$',
            title: '医疗机构代码（在医院死亡） Code of the hospital',
          },
        },
      },
      informant: personField(
        '申报人（近亲属） Informant (next of kin)',
        {
          relationship: {
            type: 'string',
            enum: ['spouse', 'child', 'parent', 'sibling', 'other'],
            title: '与逝者关系 Relationship to the deceased',
          },
        },
        ['relationship'],
      ),
      funeral: {
        type: 'object',
        title: '殡葬 Funeral',
        additionalProperties: false,
        required: ['funeralHome'],
        properties: {
          funeralHome: { type: 'string', minLength: 2, maxLength: 100, title: '殡仪馆 Funeral home' },
          preferredCremationDate: dateField('预约火化日期 Preferred cremation date'),
        },
      },
      heirs: {
        type: 'array',
        title: '继承人 Heirs',
        maxItems: 20,
        items: personField('继承人 Heir', {
          relationship: {
            type: 'string',
            enum: ['spouse', 'child', 'parent', 'other'],
            title: '与逝者关系 Relationship',
          },
        }),
      },
      payeeAccount: bankAccountField(
        '丧葬补助、抚恤金、个人账户余额收款账户 Account for grants and balances',
      ),
    },
  },
  materials: [
    { id: 'informant-id', title: '申报人身份证 Informant’s ID card', core: true },
    { id: 'deceased-id', title: '逝者身份证 ID card of the deceased', core: true },
    { id: 'household-register', title: '户口簿 Household register', core: true },
    { id: 'kinship-proof', title: '亲属关系证明 Proof of kinship' },
    { id: 'heirship-proof', title: '继承权公证书或继承协议 Proof of heirship' },
  ],
  promise: { days: 5 },
  steps: [
    {
      id: 'death-certificate',
      title: '居民死亡医学证明（推断）书 Death certificate',
      department: 'HEALTH',
      adapter: 'worklist',
      dependsOn: [],
      fields: ['deceased', 'death', 'informant'],
      materials: ['informant-id', 'deceased-id'],
      inputs: [],
      onDeny: 'stop-case',
      outputs: [
        { name: 'deathCertificateNo', title: '死亡证明编号 Death certificate number', type: 'string' },
        { name: 'dateOfDeath', title: '死亡日期 Date of death', type: 'date' },
      ],
      // No item-specific statute is encoded: 20 working days is the single-item cap of domain.md.
      limits: { promised: { days: 1 }, statutory: { days: 20 } },
    },
    {
      id: 'cremation',
      title: '遗体火化 Cremation',
      department: 'CIVIL',
      adapter: 'worklist',
      dependsOn: ['death-certificate'],
      fields: ['deceased', 'informant', 'funeral'],
      materials: ['informant-id'],
      inputs: ['deathCertificateNo', 'dateOfDeath'],
      outputs: [
        {
          name: 'cremationCertificateNo',
          title: '火化证明编号 Cremation certificate number',
          type: 'string',
        },
        { name: 'crematedOn', title: '火化日期 Date of cremation', type: 'date' },
      ],
      limits: { promised: { days: 2 }, statutory: { days: 20 } },
    },
    {
      id: 'household-cancellation',
      title: '户口注销 Household cancellation',
      department: 'PSB',
      adapter: 'worklist',
      dependsOn: ['death-certificate'],
      fields: ['deceased', 'informant'],
      materials: ['informant-id', 'deceased-id', 'household-register'],
      inputs: ['deathCertificateNo', 'dateOfDeath'],
      outputs: [{ name: 'householdCancelledOn', title: '注销日期 Date cancelled', type: 'date' }],
      limits: { promised: { days: 1 }, statutory: { days: 20 } },
    },
    {
      id: 'pension-funeral-grant',
      title: '养老金停发及丧葬补助金、抚恤金申领 Pension stop and funeral grant',
      department: 'HRSS',
      adapter: 'worklist',
      dependsOn: ['cremation', 'household-cancellation'],
      fields: ['deceased', 'informant', 'payeeAccount'],
      materials: ['informant-id', 'kinship-proof'],
      inputs: [...deathFacts, 'cremationCertificateNo'],
      outputs: [
        { name: 'pensionStoppedFrom', title: '养老金停发月份起始日 Pension stopped from', type: 'date' },
        { name: 'funeralGrant', title: '丧葬补助金（元） Funeral grant (CNY)', type: 'number' },
        { name: 'survivorBenefit', title: '抚恤金（元） Survivors’ benefit (CNY)', type: 'number' },
      ],
      limits: { promised: { days: 3 }, statutory: { days: 20 } },
    },
    {
      id: 'medical-settlement',
      title: '医保个人账户结算 Medical insurance account settlement',
      department: 'HSA',
      adapter: 'worklist',
      dependsOn: ['cremation', 'household-cancellation'],
      fields: ['deceased', 'informant', 'heirs', 'payeeAccount'],
      materials: ['informant-id', 'heirship-proof'],
      inputs: deathFacts,
      outputs: [
        { name: 'medicalAccountBalance', title: '个人账户余额（元） Account balance (CNY)', type: 'number' },
        { name: 'medicalAccountSettledOn', title: '结算日期 Date settled', type: 'date' },
      ],
      limits: { promised: { days: 3 }, statutory: { days: 20 } },
    },
    {
      id: 'housing-fund',
      title: '住房公积金继承提取 Housing-fund withdrawal by the heirs',
      department: 'HPF',
      adapter: 'worklist',
      dependsOn: ['cremation', 'household-cancellation'],
      fields: ['deceased', 'informant', 'heirs', 'payeeAccount'],
      materials: ['informant-id', 'heirship-proof'],
      inputs: deathFacts,
      outputs: [
        { name: 'housingFundPaidToHeirs', title: '提取金额（元） Amount paid out (CNY)', type: 'number' },
        { name: 'housingFundClosedOn', title: '销户日期 Account closed on', type: 'date' },
      ],
      // 住房公积金管理条例 art. 25: a decision within 3 days of the application.
      limits: { promised: { days: 2 }, statutory: { days: 3 } },
    },
  ],
};

export const afterDeath: ProcessDefinition = withPrivacy(flow, AFTER_DEATH);
