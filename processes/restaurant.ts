// 开办餐饮店 Open a restaurant (see domain.md): the business already holds a licence (an existing one, or
// a new one from a company start-up case run first); an instant licence check opens the case, then the
// food business permit, the fire safety check for public venues and the outdoor signage permit run in
// parallel. The fire check applies only to venues of 300 m2 or more and the signage permit only when the
// applicant wants an outdoor sign: for everyone else they are not applicable.
import type { Expression, ProcessDefinition } from '../process/definition.ts';
import { anchored, dateField, personField, phoneField } from './common.ts';
import { CREDIT_CODE_PATTERN } from './company-startup.ts';
import { DEPARTMENTS } from './departments.ts';
import { withPrivacy } from './privacy.ts';
import { RESTAURANT } from './privacy-declarations.ts';

/** 食品经营许可证编号: JY, the business type digit, the 6-digit division, a 6-digit serial and a check digit. */
export const FOOD_PERMIT_PATTERN = 'JY\\d{14}';

/** From this floor area (m2) on, a restaurant is a public venue that needs a fire safety check. */
export const FIRE_CHECK_MIN_FLOOR_AREA = 300;

/** Credit codes issued by Market Supervision (9) to an enterprise (1) or an individual business (2). */
const BUSINESS_CODE_PREFIXES = ['91', '92'];

const creditCodePrefix: Expression = { substr: [{ var: 'application.creditCode' }, 0, 2] };

/**
 * The instant licence check over the application. It can only check what the application says: that the
 * credit code is one Market Supervision gives a business and that the licensed scope covers catering
 * (餐饮). Whether the licence is still in force is registry data the rules do not see; the SAMR clerk
 * checks it when the rules send the step to the worklist.
 */
export const LICENCE_CHECK = {
  isBusiness: { in: [creditCodePrefix, BUSINESS_CODE_PREFIXES] },
  cateringInScope: { in: ['餐饮', { var: 'application.registeredScope' }] },
} satisfies Record<string, Expression>;

export const CONDITIONS = {
  fireCheck: { '>=': [{ var: 'application.floorArea' }, FIRE_CHECK_MIN_FLOOR_AREA] },
  signage: { '===': [{ var: 'application.wantsOutdoorSign' }, true] },
} satisfies Record<string, Expression>;

const business = ['creditCode', 'businessName'];

/** The flow; the exported definition adds its personal-data declarations (processes/privacy.ts). */
const flow: ProcessDefinition = {
  id: 'restaurant',
  version: 1,
  title: '开办餐饮店 Open a restaurant',
  description:
    'An instant licence check, then in parallel the food business permit, the fire safety check for ' +
    'venues of 300 m2 or more (on commitment: the same day, verified within 20 working days) and the ' +
    'outdoor signage permit when a sign is wanted. Promise: three working days.',
  departments: [DEPARTMENTS.SAMR, DEPARTMENTS.FIRE, DEPARTMENTS.URBAN],
  form: {
    type: 'object',
    additionalProperties: false,
    required: [
      'creditCode',
      'businessName',
      'registeredScope',
      'operator',
      'contactPerson',
      'premisesAddress',
      'floorArea',
      'seats',
      'businessFormat',
      'foodCategories',
      'foodSafetyManager',
      'wantsOutdoorSign',
    ],
    properties: {
      creditCode: {
        type: 'string',
        pattern: anchored(CREDIT_CODE_PATTERN),
        title: '统一社会信用代码 Unified social credit code',
      },
      businessName: { type: 'string', minLength: 2, maxLength: 100, title: '营业执照名称 Licensed name' },
      registeredScope: {
        type: 'string',
        minLength: 2,
        maxLength: 2000,
        title: '营业执照经营范围 Licensed business scope',
      },
      operator: personField('经营者（法定代表人） Operator (legal representative)'),
      contactPerson: {
        type: 'object',
        title: '现场联系人 Contact at the venue',
        additionalProperties: false,
        required: ['name', 'phone'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 50, title: '姓名 Name' },
          phone: phoneField,
        },
      },
      premisesAddress: {
        type: 'string',
        minLength: 5,
        maxLength: 200,
        title: '经营场所 Address of the venue',
      },
      floorArea: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 100000,
        title: '经营场所面积（平方米） Floor area (m2)',
      },
      seats: { type: 'integer', minimum: 0, maximum: 10000, title: '就餐座位数 Seats' },
      businessFormat: {
        type: 'string',
        enum: ['restaurant', 'fast-food', 'snack-bar', 'beverage-shop', 'catering-delivery'],
        title: '经营业态 Type of catering business',
      },
      foodCategories: {
        type: 'array',
        title: '经营项目 Food categories',
        minItems: 1,
        uniqueItems: true,
        items: {
          type: 'string',
          enum: ['hot-food', 'cold-food', 'raw-food', 'pastries', 'self-made-drinks'],
        },
      },
      foodSafetyManager: personField('食品安全管理人员 Food-safety manager'),
      openingDate: dateField('拟开业日期 Planned opening date'),
      wantsOutdoorSign: { type: 'boolean', title: '是否设置户外招牌 Outdoor sign wanted' },
      sign: {
        type: 'object',
        title: '户外招牌 Outdoor sign',
        additionalProperties: false,
        required: ['text', 'widthMetres', 'heightMetres', 'mounting'],
        properties: {
          text: { type: 'string', minLength: 1, maxLength: 50, title: '招牌文字 Text' },
          widthMetres: { type: 'number', exclusiveMinimum: 0, maximum: 50, title: '宽（米） Width (m)' },
          heightMetres: { type: 'number', exclusiveMinimum: 0, maximum: 10, title: '高（米） Height (m)' },
          mounting: { type: 'string', enum: ['wall', 'projecting', 'canopy'], title: '设置形式 Mounting' },
          illuminated: { type: 'boolean', title: '是否发光 Illuminated' },
        },
      },
    },
  },
  // Intake asks only for the materials of the steps that apply: a small venue without a sign brings no fire
  // or sign papers, so those can be core for the steps that need them.
  materials: [
    { id: 'operator-id', title: '经营者身份证明 ID of the operator', core: true },
    { id: 'premises-proof', title: '经营场所使用证明 Proof of the right to use the premises', core: true },
    { id: 'floor-plan', title: '经营场所平面布局图 Floor plan of the venue', core: true },
    { id: 'food-safety-rules', title: '食品安全管理制度 Food-safety rules' },
    { id: 'fire-equipment-plan', title: '消防设施配置说明 Fire equipment plan' },
    { id: 'fire-commitment', title: '消防安全告知承诺书 Fire safety commitment letter', core: true },
    { id: 'sign-design', title: '招牌设计效果图 Sign design', core: true },
  ],
  promise: { days: 3 },
  steps: [
    {
      // 秒批 over the application. A code that is not a business's is refused at once and the case stops
      // (no permit without a licence); a business whose scope does not say 餐饮 goes to a SAMR clerk, who
      // may find catering under another wording or tell the applicant to change the scope first.
      id: 'licence-check',
      title: '营业执照核验 Licence check',
      department: 'SAMR',
      adapter: 'auto',
      dependsOn: [],
      fields: ['creditCode', 'businessName', 'registeredScope'],
      materials: [],
      inputs: [],
      outputs: [
        {
          name: 'creditCode',
          title: '统一社会信用代码 Unified social credit code',
          type: 'string',
          pattern: CREDIT_CODE_PATTERN,
        },
        { name: 'businessName', title: '营业执照名称 Licensed name', type: 'string' },
        {
          name: 'entityType',
          title: '主体类型 Enterprise or individual business',
          type: 'string',
          pattern: 'enterprise|individual',
        },
      ],
      rules: [
        {
          id: 'not-a-business',
          description:
            'The credit code is not one Market Supervision issues to an enterprise or individual business',
          when: { '!': LICENCE_CHECK.isBusiness },
          outcome: 'deny',
        },
        {
          id: 'catering-licensed',
          description: 'A business licence whose scope covers catering (餐饮)',
          when: { and: [LICENCE_CHECK.isBusiness, LICENCE_CHECK.cateringInScope] },
          outcome: 'approve',
          outputs: {
            creditCode: { var: 'application.creditCode' },
            businessName: { var: 'application.businessName' },
            entityType: { if: [{ '===': [creditCodePrefix, '92'] }, 'individual', 'enterprise'] },
          },
        },
      ],
      otherwise: 'worklist',
      onDeny: 'stop-case',
      limits: { promised: { hours: 1 } },
    },
    {
      id: 'food-permit',
      title: '食品经营许可 Food business permit',
      department: 'SAMR',
      adapter: 'worklist',
      dependsOn: ['licence-check'],
      fields: [
        'operator',
        'premisesAddress',
        'floorArea',
        'seats',
        'businessFormat',
        'foodCategories',
        'foodSafetyManager',
      ],
      materials: ['operator-id', 'premises-proof', 'floor-plan', 'food-safety-rules'],
      inputs: [...business, 'entityType'],
      outputs: [
        {
          name: 'foodPermitNo',
          title: '食品经营许可证编号 Food business permit number',
          type: 'string',
          pattern: FOOD_PERMIT_PATTERN,
        },
        { name: 'foodPermitValidUntil', title: '有效期至 Valid until', type: 'date' },
      ],
      // 食品经营许可和备案管理办法 (2023): a decision within 10 working days; a site inspection, when
      // needed, is a special stage.
      limits: { promised: { days: 3 }, statutory: { days: 10 } },
    },
    {
      // Fire Protection Law art. 15: on commitment (告知承诺, the bundle's way) the permit is given the same day
      // and the venue verified within 20 working days (after the case: not a step). Where the brigade does
      // not accept the commitment it inspects first: the law's 10 working days.
      id: 'fire-check',
      title: '公众聚集场所投入使用、营业前消防安全检查 Fire safety check for public venues',
      department: 'FIRE',
      adapter: 'worklist',
      dependsOn: ['licence-check'],
      condition: CONDITIONS.fireCheck,
      fields: ['contactPerson', 'premisesAddress', 'floorArea', 'seats', 'openingDate'],
      materials: ['floor-plan', 'fire-equipment-plan', 'fire-commitment'],
      inputs: business,
      outputs: [
        {
          name: 'fireSafetyPermitNo',
          title: '消防安全检查合格证编号 Fire safety permit number',
          type: 'string',
        },
        {
          name: 'fireVerificationDue',
          title: '承诺核查期限 Verification due by',
          type: 'date',
        },
      ],
      limits: { promised: { hours: 8 }, statutory: { days: 10 } },
    },
    {
      id: 'signage',
      title: '户外招牌设置许可 Outdoor signage permit',
      department: 'URBAN',
      adapter: 'worklist',
      dependsOn: ['licence-check'],
      condition: CONDITIONS.signage,
      fields: ['contactPerson', 'premisesAddress', 'sign'],
      materials: ['sign-design'],
      inputs: business,
      outputs: [
        { name: 'signagePermitNo', title: '招牌设置许可编号 Signage permit number', type: 'string' },
        { name: 'signagePermitValidUntil', title: '有效期至 Valid until', type: 'date', required: false },
      ],
      limits: { promised: { days: 3 }, statutory: { days: 20 } },
    },
  ],
};

export const restaurant: ProcessDefinition = withPrivacy(flow, RESTAURANT);
