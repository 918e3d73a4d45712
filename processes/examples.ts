// Sample applications and decisions for the catalog: used by the README walkthrough, tests and the bench.
// The people and companies are fictitious. Every process has the same shape: `<process>Application`, valid
// against its combined form, and `<process>Approvals`, step id -> the department that decides and the
// outputs of its approval, for every step a person decides (instant 'auto' steps decide themselves).
import type { OutputValue } from '../process/decision.ts';

export interface SampleApproval {
  department: string;
  outputs: Record<string, OutputValue>;
}

export type SampleApprovals = Record<string, SampleApproval>;

export interface ProcessSample {
  application: Record<string, unknown>;
  approvals: SampleApprovals;
}

// 企业开办 Company start-up

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

export const companyStartupApprovals = {
  registration: {
    department: 'SAMR',
    outputs: {
      creditCode: '91330106MA2H3K7Q4X',
      companyName: '杭州云栖示例科技有限公司',
      legalRepresentativeName: '张三',
      registeredAddress: '杭州市西湖区文三路 90 号',
      businessScope: '软件开发；信息技术咨询服务',
      registrationDate: '2026-11-28',
    },
  },
  seal: { department: 'PSB', outputs: { sealFilingNo: 'GA-330106-2026-0001' } },
  tax: { department: 'TAX', outputs: { invoiceQuota: 25, taxDeviceNo: 'SK-0001' } },
  'social-insurance': { department: 'HRSS', outputs: { socialInsuranceNo: 'SB-330106-0001' } },
  'housing-fund': { department: 'HPF', outputs: { housingFundAccountNo: 'GJJ-0001' } },
  bank: { department: 'BANK', outputs: { appointmentRef: 'HZB-20261128-01', appointmentDate: '2026-12-01' } },
} satisfies SampleApprovals;

/** The registration's outputs (kept for the API tests and the bench). */
export const registrationApproval: Record<string, OutputValue> = companyStartupApprovals.registration.outputs;

/** The five parallel steps after registration: step id, department, outputs of an approval. */
export const parallelApprovals: [string, string, Record<string, OutputValue>][] = Object.entries(
  companyStartupApprovals as SampleApprovals,
)
  .filter(([stepId]) => stepId !== 'registration')
  .map(([stepId, { department, outputs }]) => [stepId, department, outputs]);

// 出生一件事 Newborn: born in a listed hospital, applied for eight days later, joins the father's
// Hangzhou household: the eligibility pre-check approves instantly.

export const newbornApplication = {
  applicationDate: '2026-11-20',
  hospitalCode: '330106001',
  child: {
    name: '王一诺',
    sex: 'female',
    birthDate: '2026-11-12',
    birthTime: '08:42',
    birthWeightGrams: 3250,
    gestationWeeks: 39,
  },
  mother: {
    name: '李娜',
    idNumber: '330106199203154527',
    phone: '13900000001',
    hukouDivision: '330106',
    ethnicity: '汉族',
  },
  father: {
    name: '王磊',
    idNumber: '330105199001207719',
    phone: '13900000002',
    hukouDivision: '330105',
    ethnicity: '汉族',
  },
  householdOf: 'father',
  householdAddress: '杭州市拱墅区示例街道 8 号 2 单元 502 室',
  vaccinationClinic: '拱墅区示例街道社区卫生服务中心',
  cardDelivery: { method: 'post', address: '杭州市拱墅区示例街道 8 号 2 单元 502 室', phone: '13900000001' },
  maternity: {
    employerName: '杭州示例信息技术有限公司',
    employerCreditCode: '91330106MA2H3K7Q4X',
    maternityLeaveDays: 158,
  },
  bankAccount: { bankName: '中国工商银行杭州分行', accountNo: '6222021202000000001', holderName: '李娜' },
};

export const newbornApprovals = {
  'birth-certificate': {
    department: 'HEALTH',
    outputs: { birthCertificateNo: 'R330123456', birthCertificateIssuedOn: '2026-11-14' },
  },
  vaccination: {
    department: 'HEALTH',
    outputs: { vaccinationRecordNo: 'YM-330105-2026-00871', firstVaccinationDate: '2026-12-12' },
  },
  household: {
    department: 'PSB',
    outputs: { childIdNumber: '330105202611120021', householdRegisteredOn: '2026-11-20' },
  },
  'medical-insurance': { department: 'HSA', outputs: { residentInsuranceFrom: '2026-11-12' } },
  'social-security-card': {
    department: 'HRSS',
    outputs: { socialSecurityCardNo: 'C20261187', cardIssuedOn: '2026-11-23' },
  },
  'maternity-allowance': {
    department: 'HSA',
    outputs: { maternityAllowance: 38640, allowancePaidOn: '2026-11-27' },
  },
} satisfies SampleApprovals;

// 开办餐饮店 Open a restaurant: a licensed catering company, 320 m2 (so the fire check applies), with an
// outdoor sign (so the signage permit applies).

export const restaurantApplication = {
  creditCode: '91330106MA2J5L8P3R',
  businessName: '杭州示例餐饮管理有限公司',
  registeredScope: '餐饮服务；食品销售（仅销售预包装食品）；外卖递送服务',
  operator: { name: '刘洋', idNumber: '330102198507083316', phone: '13700000003' },
  contactPerson: { name: '何静', phone: '13700000004' },
  premisesAddress: '杭州市西湖区示例路 66 号 1-2 层',
  floorArea: 320,
  seats: 150,
  businessFormat: 'restaurant',
  foodCategories: ['hot-food', 'cold-food', 'self-made-drinks'],
  foodSafetyManager: { name: '何静', idNumber: '330104199110126628', phone: '13700000004' },
  openingDate: '2026-12-18',
  wantsOutdoorSign: true,
  sign: { text: '示例江南菜馆', widthMetres: 6, heightMetres: 1.2, mounting: 'wall', illuminated: true },
};

export const restaurantApprovals = {
  'food-permit': {
    department: 'SAMR',
    outputs: { foodPermitNo: 'JY23301060012345', foodPermitValidUntil: '2031-11-30' },
  },
  'fire-check': {
    department: 'FIRE',
    outputs: { fireSafetyPermitNo: '杭西消安检字〔2026〕第0123号', fireVerificationDue: '2026-12-29' },
  },
  signage: {
    department: 'URBAN',
    outputs: { signagePermitNo: 'XH-ZP-2026-0456', signagePermitValidUntil: '2029-11-30' },
  },
} satisfies SampleApprovals;

// 二手房转移登记及水电气网联合过户 Second-hand home transfer: water, power and gas transfer with the home;
// broadband does not (its approval is there for variants that opt in).

export const homeTransferApplication = {
  property: {
    certificateNo: '浙(2019)杭州市不动产权第0123456号',
    floorArea: 89.5,
    usage: 'residential',
    builtYear: 2008,
  },
  propertyAddress: '杭州市西湖区示例路 1 号 2 幢 301 室',
  sellers: [{ name: '陈明', idNumber: '330106197502141117', phone: '13600000005', share: 100 }],
  buyers: [
    { name: '吴昊', idNumber: '330183199306250035', phone: '13600000006', share: 50 },
    { name: '郑晓', idNumber: '330183199408170042', phone: '13600000007', share: 50 },
  ],
  price: 3200000,
  paymentMethod: 'commercial-loan',
  contractSignedOn: '2026-11-02',
  buyerHousingStatus: 'first-home',
  sellerOnlyHomeOverFiveYears: true,
  newAccountHolder: { name: '吴昊', idNumber: '330183199306250035', phone: '13600000006' },
  water: { transfer: true, accountNo: '1100234567' },
  power: { transfer: true, accountNo: '3301065432' },
  gas: { transfer: true, accountNo: 'RQ00987654' },
  broadband: { transfer: false },
};

export const homeTransferApprovals = {
  'contract-filing': {
    department: 'HOUSING',
    outputs: {
      contractFilingNo: 'HZ-CL-2026-118823',
      propertyUnitNo: '330106001002GB00012F00020301',
      seizureRecorded: false,
    },
  },
  tax: {
    department: 'TAX',
    outputs: {
      taxCertificateNo: '333016261100012345',
      deedTax: 32000,
      individualIncomeTax: 0,
      taxPaidOn: '2026-11-05',
    },
  },
  transfer: {
    department: 'NATRES',
    outputs: {
      newCertificateNo: '浙(2026)杭州市不动产权第0456789号',
      transferRegisteredOn: '2026-11-06',
      electronicCertificateId: 'EC-330100-2026-0456789',
    },
  },
  water: {
    department: 'WATER',
    outputs: { waterTransferRef: 'GS-2026-110023', waterTransferredOn: '2026-11-06' },
  },
  power: {
    department: 'POWER',
    outputs: { powerTransferRef: 'GD-2026-330106-77', powerTransferredOn: '2026-11-07' },
  },
  gas: { department: 'GAS', outputs: { gasTransferRef: 'RQ-2026-0419', gasTransferredOn: '2026-11-07' } },
  broadband: {
    department: 'BROADBAND',
    outputs: { broadbandTransferRef: 'KD-2026-5521', broadbandTransferredOn: '2026-11-09' },
  },
} satisfies SampleApprovals;

// 退休一件事 Retirement: a man born in March 1966 reaches the raised statutory age (60 years and 4 months).

export const retirementApplication = {
  applicant: {
    name: '赵建国',
    idNumber: '330104196603152213',
    phone: '13500000008',
    address: '杭州市上城区示例巷 12 号',
  },
  sex: 'male',
  dateOfBirth: '1966-03-15',
  employer: { name: '杭州示例机械制造有限公司', creditCode: '91330104MA27U1RX5K' },
  insuredType: 'employee',
  retirementType: 'statutory-age',
  bankAccount: { bankName: '杭州银行上城支行', accountNo: '6223091234567890123', holderName: '赵建国' },
  housingFundAccountNo: '0012345678901',
  medicalTopUp: false,
};

export const retirementApprovals = {
  pension: {
    department: 'HRSS',
    outputs: { retirementDate: '2026-07-15', pensionStartDate: '2026-08-01', monthlyPension: 5321.6 },
  },
  'housing-fund': {
    department: 'HPF',
    outputs: { housingFundFrozenOn: '2026-07-31', housingFundWithdrawn: 186420.35 },
  },
  'retiree-medical': { department: 'HSA', outputs: { retireeMedicalFrom: '2026-08-01' } },
} satisfies SampleApprovals;

// 身后一件事 After a death: a pensioner who died in hospital; her son informs and her two children inherit.

export const afterDeathApplication = {
  deceased: {
    name: '孙秀英',
    idNumber: '330106194805120028',
    sex: 'female',
    dateOfBirth: '1948-05-12',
    hukouDivision: '330106',
    hukouAddress: '杭州市西湖区示例新村 5 幢 101 室',
  },
  death: { date: '2026-11-18', place: 'hospital', institutionCode: '330106003' },
  informant: { name: '周伟', idNumber: '330106197609230014', phone: '13400000009', relationship: 'child' },
  funeral: { funeralHome: '杭州市殡仪馆', preferredCremationDate: '2026-11-21' },
  heirs: [
    { name: '周伟', idNumber: '330106197609230014', phone: '13400000009', relationship: 'child' },
    { name: '周敏', idNumber: '330106197911040047', phone: '13400000010', relationship: 'child' },
  ],
  payeeAccount: { bankName: '中国建设银行杭州分行', accountNo: '6217001234567890123', holderName: '周伟' },
};

export const afterDeathApprovals = {
  'death-certificate': {
    department: 'HEALTH',
    outputs: { deathCertificateNo: 'S330106260118', dateOfDeath: '2026-11-18' },
  },
  cremation: {
    department: 'CIVIL',
    outputs: { cremationCertificateNo: 'HZBY-2026-031245', crematedOn: '2026-11-21' },
  },
  'household-cancellation': { department: 'PSB', outputs: { householdCancelledOn: '2026-11-20' } },
  'pension-funeral-grant': {
    department: 'HRSS',
    outputs: { pensionStoppedFrom: '2026-12-01', funeralGrant: 5000, survivorBenefit: 62400 },
  },
  'medical-settlement': {
    department: 'HSA',
    outputs: { medicalAccountBalance: 12850.4, medicalAccountSettledOn: '2026-11-25' },
  },
  'housing-fund': {
    department: 'HPF',
    outputs: { housingFundPaidToHeirs: 23500, housingFundClosedOn: '2026-11-25' },
  },
} satisfies SampleApprovals;

/** Every process's sample, by process id. */
export const SAMPLES: Record<string, ProcessSample> = {
  'company-startup': { application: companyStartupApplication, approvals: companyStartupApprovals },
  newborn: { application: newbornApplication, approvals: newbornApprovals },
  restaurant: { application: restaurantApplication, approvals: restaurantApprovals },
  'home-transfer': { application: homeTransferApplication, approvals: homeTransferApprovals },
  retirement: { application: retirementApplication, approvals: retirementApprovals },
  'after-death': { application: afterDeathApplication, approvals: afterDeathApprovals },
};

/** The smallest file the material store accepts: a PDF (the type is read from the bytes). */
export const SAMPLE_SCAN = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
