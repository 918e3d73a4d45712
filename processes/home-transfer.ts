// 二手房转移登记及水电气网联合过户 Second-hand home transfer with utilities (see domain.md): contract filing,
// then tax, then the transfer registration, then - only for the services the applicant opted into - the
// water, power, gas and broadband accounts move to the buyer in parallel. A court seizure blocks the
// registration.
import type { Expression, ProcessDefinition, StepDefinition } from '../process/definition.ts';
import { anchored, dateField, personField } from './common.ts';
import { DEPARTMENTS } from './departments.ts';
import { withPrivacy } from './privacy.ts';
import { HOME_TRANSFER } from './privacy-declarations.ts';

/**
 * 不动产单元号 (28 characters): the 6-digit county division, 3-digit cadastral district and 3-digit
 * sub-district, the parcel's two feature letters and 5-digit number, then the fixture's feature letter
 * (F: building) and its 8-digit unit number.
 */
export const PROPERTY_UNIT_PATTERN = '\\d{12}[GJZ][ABSXCDEWY]\\d{5}[FLQW]\\d{8}';

/** 不动产权证书号, e.g. 浙(2026)杭州市不动产权第0123456号 (either width of parentheses). */
export const PROPERTY_CERTIFICATE_PATTERN =
  '[\\u4e00-\\u9fa5][(（]\\d{4}[)）][\\u4e00-\\u9fa5]{2,20}不动产权第\\d{7}号';

export const UTILITIES = ['water', 'power', 'gas', 'broadband'] as const;
export type Utility = (typeof UTILITIES)[number];

/** A utility step applies when the applicant ticked its transfer box on the form (opt-in). */
export const utilityCondition = (utility: Utility): Expression => ({
  '===': [{ var: `application.${utility}.transfer` }, true],
});

/**
 * The seizure gate. Rules read only the application and earlier steps' outputs, so the registry state comes
 * from the contract filing: Housing files the contract against the unit's registry record and records
 * whether a court seizure (查封登记) was on it. A seizure blocks the transfer registration: the gate denies
 * and the whole case stops (the parties settle the tax refund outside it). Without that output a
 * registrar looks (otherwise: 'worklist'). A separate step rather than a rule on the registration, because
 * the registration itself always needs a registrar: an 'auto' adapter there would be an auto step that
 * never approves. A seizure registered after the filing is the registrar's to find at the registration,
 * which then also stops the case. Strict '===' throughout: json-logic-engine's '==' holds for a missing
 * output against false, which would let an unknown state through as "no seizure".
 */
export const SEIZURE = {
  seized: { '===': [{ var: 'outputs.seizureRecorded' }, true] },
  clear: { '===': [{ var: 'outputs.seizureRecorded' }, false] },
} satisfies Record<string, Expression>;

const utilityField = (title: string, extra: Record<string, Record<string, unknown>> = {}) => ({
  type: 'object',
  title,
  additionalProperties: false,
  required: ['transfer'],
  properties: {
    transfer: { type: 'boolean', title: '是否联合过户 Transfer with the registration' },
    accountNo: { type: 'string', minLength: 4, maxLength: 30, title: '户号 Account number' },
    ...extra,
  },
});

const party = personField('当事人 Party', {
  share: { type: 'number', exclusiveMinimum: 0, maximum: 100, title: '份额（%） Share (%)' },
});

function utilityStep(utility: Utility, title: string, department: string): StepDefinition {
  return {
    id: utility,
    title,
    department,
    adapter: 'worklist',
    dependsOn: ['transfer'],
    condition: utilityCondition(utility),
    fields: ['propertyAddress', 'newAccountHolder', utility],
    materials: [],
    inputs: ['newCertificateNo', 'transferRegisteredOn'],
    outputs: [
      { name: `${utility}TransferRef`, title: '过户受理编号 Transfer reference', type: 'string' },
      { name: `${utility}TransferredOn`, title: '过户日期 Date of transfer', type: 'date' },
    ],
    // A utility company's service commitment, not a statutory licence: there is no statutory limit.
    limits: { promised: { days: 1 } },
  };
}

/** The flow; the exported definition adds its personal-data declarations (processes/privacy.ts). */
const flow: ProcessDefinition = {
  id: 'home-transfer',
  version: 1,
  title: '二手房转移登记及水电气网联合过户 Second-hand home transfer with utilities',
  description:
    'Contract filing, tax assessment and payment, transfer registration, then the water, power, gas and ' +
    'broadband accounts the applicant opted into move to the buyer. A court seizure blocks the ' +
    'registration. Promise: three working days.',
  departments: [
    DEPARTMENTS.HOUSING,
    DEPARTMENTS.TAX,
    DEPARTMENTS.NATRES,
    DEPARTMENTS.WATER,
    DEPARTMENTS.POWER,
    DEPARTMENTS.GAS,
    DEPARTMENTS.BROADBAND,
  ],
  form: {
    type: 'object',
    additionalProperties: false,
    required: [
      'property',
      'propertyAddress',
      'sellers',
      'buyers',
      'price',
      'paymentMethod',
      'buyerHousingStatus',
      'sellerOnlyHomeOverFiveYears',
      'contractSignedOn',
    ],
    properties: {
      property: {
        type: 'object',
        title: '不动产 The property',
        additionalProperties: false,
        required: ['certificateNo', 'floorArea', 'usage'],
        properties: {
          certificateNo: {
            type: 'string',
            pattern: anchored(PROPERTY_CERTIFICATE_PATTERN),
            title: '原不动产权证书号 Current certificate number',
          },
          floorArea: {
            type: 'number',
            exclusiveMinimum: 0,
            maximum: 10000,
            title: '建筑面积（平方米） Floor area (m2)',
          },
          usage: { type: 'string', enum: ['residential'], title: '用途 Usage' },
          builtYear: { type: 'integer', minimum: 1949, maximum: 2100, title: '建成年份 Year built' },
        },
      },
      propertyAddress: {
        type: 'string',
        minLength: 5,
        maxLength: 200,
        title: '房屋坐落 Address of the property',
      },
      sellers: { type: 'array', title: '出卖人 Sellers', minItems: 1, maxItems: 10, items: party },
      buyers: { type: 'array', title: '买受人 Buyers', minItems: 1, maxItems: 10, items: party },
      price: { type: 'number', exclusiveMinimum: 0, title: '成交价格（元） Price (CNY)' },
      paymentMethod: {
        type: 'string',
        enum: ['full', 'commercial-loan', 'housing-fund-loan', 'combined-loan'],
        title: '付款方式 Payment',
      },
      contractSignedOn: dateField('合同签订日期 Date the contract was signed'),
      buyerHousingStatus: {
        type: 'string',
        enum: ['first-home', 'second-home', 'other'],
        title: '买受人家庭住房情况（契税） Buyer household’s homes (deed tax)',
      },
      sellerOnlyHomeOverFiveYears: {
        type: 'boolean',
        title: '满五唯一（个税） The seller’s only home, held five years or more (income tax)',
      },
      newAccountHolder: personField('水电气网新户主 New holder of the utility accounts'),
      water: utilityField('供水过户 Water'),
      power: utilityField('供电过户 Power'),
      gas: utilityField('燃气过户 Gas'),
      broadband: utilityField('宽带过户 Broadband', {
        provider: {
          type: 'string',
          enum: ['china-telecom', 'china-mobile', 'china-unicom'],
          title: '运营商 Provider',
        },
      }),
    },
  },
  materials: [
    { id: 'property-certificate', title: '不动产权证书 Current property certificate', core: true },
    { id: 'sale-contract', title: '存量房买卖合同 Sale contract', core: true },
    { id: 'seller-ids', title: '出卖人身份证明 Sellers’ ID', core: true },
    { id: 'buyer-ids', title: '买受人身份证明 Buyers’ ID', core: true },
    { id: 'marital-status', title: '婚姻状况证明 Proof of marital status' },
  ],
  promise: { days: 3 },
  steps: [
    {
      id: 'contract-filing',
      title: '存量房买卖合同网签备案 Contract filing',
      department: 'HOUSING',
      adapter: 'worklist',
      dependsOn: [],
      fields: [
        'property',
        'propertyAddress',
        'sellers',
        'buyers',
        'price',
        'paymentMethod',
        'contractSignedOn',
      ],
      materials: ['property-certificate', 'sale-contract', 'seller-ids', 'buyer-ids'],
      inputs: [],
      onDeny: 'stop-case',
      outputs: [
        { name: 'contractFilingNo', title: '网签备案编号 Contract filing number', type: 'string' },
        {
          name: 'propertyUnitNo',
          title: '不动产单元号 Property unit number',
          type: 'string',
          pattern: PROPERTY_UNIT_PATTERN,
        },
        { name: 'seizureRecorded', title: '登记簿记载查封 Court seizure on the registry', type: 'boolean' },
      ],
      // No item-specific statute is encoded: 20 working days is the single-item cap of domain.md.
      limits: { promised: { hours: 2 }, statutory: { days: 20 } },
    },
    {
      id: 'tax',
      title: '存量房交易税费核定及缴纳 Tax assessment and payment',
      department: 'TAX',
      adapter: 'worklist',
      dependsOn: ['contract-filing'],
      fields: [
        'property',
        'propertyAddress',
        'sellers',
        'buyers',
        'price',
        'buyerHousingStatus',
        'sellerOnlyHomeOverFiveYears',
      ],
      materials: ['sale-contract', 'seller-ids', 'buyer-ids', 'marital-status'],
      inputs: ['contractFilingNo', 'propertyUnitNo'],
      onDeny: 'stop-case',
      outputs: [
        { name: 'taxCertificateNo', title: '完税证明号 Tax payment certificate', type: 'string' },
        { name: 'deedTax', title: '契税（元） Deed tax (CNY)', type: 'number' },
        { name: 'individualIncomeTax', title: '个人所得税（元） Income tax (CNY)', type: 'number' },
        { name: 'taxPaidOn', title: '缴纳日期 Date paid', type: 'date' },
      ],
      limits: { promised: { hours: 2 }, statutory: { days: 20 } },
    },
    {
      id: 'seizure-check',
      title: '查封核验 Court seizure check',
      department: 'NATRES',
      adapter: 'auto',
      dependsOn: ['tax'],
      fields: [],
      materials: [],
      inputs: ['propertyUnitNo', 'seizureRecorded'],
      outputs: [],
      rules: [
        {
          id: 'court-seizure',
          description: 'A court seizure is registered on the property: the transfer cannot be registered',
          when: SEIZURE.seized,
          outcome: 'deny',
        },
        {
          id: 'no-seizure',
          description: 'No court seizure is registered on the property',
          when: SEIZURE.clear,
          outcome: 'approve',
        },
      ],
      otherwise: 'worklist',
      onDeny: 'stop-case',
      limits: { promised: { hours: 1 } },
    },
    {
      id: 'transfer',
      title: '不动产转移登记 Transfer registration',
      department: 'NATRES',
      adapter: 'worklist',
      dependsOn: ['seizure-check'],
      fields: ['property', 'propertyAddress', 'sellers', 'buyers', 'price'],
      materials: ['property-certificate', 'sale-contract', 'seller-ids', 'buyer-ids', 'marital-status'],
      inputs: ['contractFilingNo', 'propertyUnitNo', 'taxCertificateNo'],
      onDeny: 'stop-case',
      outputs: [
        {
          name: 'newCertificateNo',
          title: '新不动产权证书号 New certificate number',
          type: 'string',
          pattern: PROPERTY_CERTIFICATE_PATTERN,
        },
        { name: 'transferRegisteredOn', title: '登簿日期 Date registered', type: 'date' },
        {
          name: 'electronicCertificateId',
          title: '电子证照标识 E-certificate id',
          type: 'string',
          required: false,
        },
      ],
      // 不动产登记暂行条例 art. 20: registration within 30 working days of acceptance.
      limits: { promised: { days: 1 }, statutory: { days: 30 } },
    },
    utilityStep('water', '供水过户 Water account transfer', 'WATER'),
    utilityStep('power', '供电过户 Power account transfer', 'POWER'),
    utilityStep('gas', '燃气过户 Gas account transfer', 'GAS'),
    utilityStep('broadband', '宽带过户 Broadband account transfer', 'BROADBAND'),
  ],
};

export const homeTransfer: ProcessDefinition = withPrivacy(flow, HOME_TRANSFER);
