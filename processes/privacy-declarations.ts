// Each catalog process's personal-data declarations (processes/privacy.ts applies them): the categories of
// its personal form fields and outputs, and the purpose and legal basis of every step's use of what it
// receives. Laws are cited as the departments cite them; an article is given where the step rests on one.
import type { PrivacyDeclarations } from './privacy.ts';

/** PIPL art. 13(1)(3): processing necessary for a department's statutory duties. */
const DUTY = '《中华人民共和国个人信息保护法》第十三条第一款第（三）项';
/** PIPL art. 13(1)(2): necessary to conclude or perform a contract the person is a party to. */
const CONTRACT = '《中华人民共和国个人信息保护法》第十三条第一款第（二）项';
const PERSON: ['identity', 'contact'] = ['identity', 'contact'];

export const COMPANY_STARTUP: PrivacyDeclarations = {
  fields: { legalRepresentative: PERSON },
  outputs: { legalRepresentativeName: ['identity'] },
  purposes: {
    registration: {
      use: '办理公司设立登记，核验法定代表人身份',
      legalBasis: `《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》；${DUTY}`,
    },
    seal: {
      use: '办理公章刻制备案',
      legalBasis: `《国务院关于国家行政机关和企业事业单位社会团体印章管理的规定》；${DUTY}`,
    },
    tax: {
      use: '确认新办纳税人涉税信息，办理发票申领和税控设备',
      legalBasis: `《中华人民共和国税收征收管理法》第十五条；《中华人民共和国发票管理办法》；${DUTY}`,
    },
    'social-insurance': {
      use: '办理单位社会保险和医疗保险登记',
      legalBasis: `《中华人民共和国社会保险法》第五十七条；${DUTY}`,
    },
    'housing-fund': {
      use: '办理单位住房公积金缴存登记',
      legalBasis: `《住房公积金管理条例》第十四条；${DUTY}`,
    },
    bank: {
      use: '预约开立单位银行结算账户，识别客户身份',
      legalBasis: `《人民币银行结算账户管理办法》；《中华人民共和国反洗钱法》；${CONTRACT}`,
    },
  },
};

export const NEWBORN: PrivacyDeclarations = {
  fields: {
    child: ['identity', 'health'],
    mother: PERSON,
    father: PERSON,
    householdOf: ['family'],
    householdAddress: ['address'],
    cardDelivery: ['address', 'contact'],
    maternity: ['employment'],
    bankAccount: ['financial', 'identity'],
  },
  outputs: {
    birthCertificateNo: ['identity', 'health'],
    vaccinationRecordNo: ['health'],
    childIdNumber: ['identity'],
    socialSecurityCardNo: ['identity'],
    maternityAllowance: ['financial'],
  },
  purposes: {
    eligibility: {
      use: '核对出生“一件事”联办条件（出生医院、出生时间、父母户籍）',
      legalBasis: `《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》；${DUTY}`,
    },
    'birth-certificate': {
      use: '签发出生医学证明',
      legalBasis: `《中华人民共和国母婴保健法》第二十三条；${DUTY}`,
    },
    vaccination: {
      use: '建立预防接种证和接种档案',
      legalBasis: `《中华人民共和国疫苗管理法》第四十七条；${DUTY}`,
    },
    household: {
      use: '办理出生户口登记，编配公民身份号码',
      legalBasis: `《中华人民共和国户口登记条例》第七条；${DUTY}`,
    },
    'medical-insurance': {
      use: '办理新生儿城乡居民基本医疗保险参保登记',
      legalBasis: `《中华人民共和国社会保险法》第二十五条；${DUTY}`,
    },
    'social-security-card': {
      use: '申领并寄递社会保障卡',
      legalBasis: `《中华人民共和国社会保险法》第五十八条；${DUTY}`,
    },
    'maternity-allowance': {
      use: '核定并发放生育津贴',
      legalBasis: `《中华人民共和国社会保险法》第五十四条、第五十六条；${DUTY}`,
    },
  },
};

export const RESTAURANT: PrivacyDeclarations = {
  fields: { operator: PERSON, contactPerson: PERSON, foodSafetyManager: PERSON },
  outputs: {},
  purposes: {
    'licence-check': {
      use: '核验营业执照及登记的经营范围',
      legalBasis: `《中华人民共和国市场主体登记管理条例》；${DUTY}`,
    },
    'food-permit': {
      use: '审查并核发食品经营许可证',
      legalBasis: `《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》；${DUTY}`,
    },
    'fire-check': {
      use: '公众聚集场所投入使用、营业前消防安全检查，联系现场检查',
      legalBasis: `《中华人民共和国消防法》第十五条；${DUTY}`,
    },
    signage: {
      use: '审查户外招牌设置，联系现场核查',
      legalBasis: `《城市市容和环境卫生管理条例》；${DUTY}`,
    },
  },
};

export const HOME_TRANSFER: PrivacyDeclarations = {
  fields: {
    property: ['property'],
    propertyAddress: ['property', 'address'],
    sellers: ['identity', 'contact', 'family'],
    buyers: ['identity', 'contact', 'family'],
    price: ['property'],
    paymentMethod: ['financial'],
    buyerHousingStatus: ['property', 'family'],
    sellerOnlyHomeOverFiveYears: ['property'],
    newAccountHolder: PERSON,
  },
  outputs: {
    propertyUnitNo: ['property'],
    seizureRecorded: ['property'],
    taxCertificateNo: ['financial'],
    deedTax: ['financial'],
    individualIncomeTax: ['financial'],
    newCertificateNo: ['property'],
  },
  purposes: {
    'contract-filing': {
      use: '存量房买卖合同网签备案',
      legalBasis: `《中华人民共和国城市房地产管理法》；《城市房地产转让管理规定》；${DUTY}`,
    },
    tax: {
      use: '核定并征收存量房交易契税和个人所得税，核实家庭住房情况以适用税收优惠',
      legalBasis: `《中华人民共和国契税法》；《中华人民共和国个人所得税法》；《中华人民共和国税收征收管理法》；${DUTY}`,
    },
    'seizure-check': {
      use: '核验不动产是否存在查封登记',
      legalBasis: `《不动产登记暂行条例》；${DUTY}`,
    },
    transfer: {
      use: '办理不动产转移登记并核发不动产权证书',
      legalBasis: `《中华人民共和国民法典》第二百零九条；《不动产登记暂行条例》；${DUTY}`,
    },
    water: {
      use: '将供水户名变更为新户主（申请人选择联办）',
      legalBasis: `《城市供水条例》；${CONTRACT}`,
    },
    power: {
      use: '将供电户名变更为新户主（申请人选择联办）',
      legalBasis: `《电力供应与使用条例》；${CONTRACT}`,
    },
    gas: {
      use: '将燃气户名变更为新户主（申请人选择联办）',
      legalBasis: `《城镇燃气管理条例》；${CONTRACT}`,
    },
    broadband: {
      use: '将宽带账户变更为新户主（申请人选择联办）',
      legalBasis: `《中华人民共和国电信条例》；${CONTRACT}`,
    },
  },
};

export const RETIREMENT: PrivacyDeclarations = {
  fields: {
    applicant: PERSON,
    sex: ['identity'],
    dateOfBirth: ['identity'],
    employer: ['employment'],
    insuredType: ['employment'],
    retirementType: ['employment', 'health'],
    requestedRetirementDate: ['employment'],
    originalPositionType: ['employment'],
    bankAccount: ['financial', 'identity'],
    housingFundAccountNo: ['financial'],
    medicalTopUp: ['employment', 'financial'],
  },
  outputs: {
    retirementDate: ['employment'],
    pensionStartDate: ['employment'],
    monthlyPension: ['financial'],
    housingFundWithdrawn: ['financial'],
    medicalShortfallMonths: ['employment'],
  },
  purposes: {
    pension: {
      use: '核定退休时间和基本养老金待遇并按月发放',
      legalBasis: `《中华人民共和国社会保险法》第十六条；${DUTY}`,
    },
    'housing-fund': {
      use: '封存住房公积金账户并办理退休提取',
      legalBasis: `《住房公积金管理条例》第二十四条；${DUTY}`,
    },
    'retiree-medical': {
      use: '核定退休人员基本医疗保险待遇及补缴年限',
      legalBasis: `《中华人民共和国社会保险法》第二十七条；${DUTY}`,
    },
  },
};

export const AFTER_DEATH: PrivacyDeclarations = {
  fields: {
    deceased: ['identity'],
    death: ['health'],
    informant: ['identity', 'contact', 'family'],
    heirs: ['identity', 'family'],
    payeeAccount: ['financial', 'identity'],
  },
  outputs: {
    deathCertificateNo: ['identity', 'health'],
    dateOfDeath: ['health'],
    cremationCertificateNo: ['identity'],
    householdCancelledOn: ['identity'],
    funeralGrant: ['financial'],
    survivorBenefit: ['financial'],
    medicalAccountBalance: ['financial'],
    housingFundPaidToHeirs: ['financial'],
  },
  purposes: {
    'death-certificate': {
      use: '签发居民死亡医学证明（推断）书',
      legalBasis: `《关于进一步规范人口死亡医学证明和信息登记管理工作的通知》（国卫规划发〔2013〕57号）；${DUTY}`,
    },
    cremation: { use: '办理遗体火化并出具火化证明', legalBasis: `《殡葬管理条例》；${DUTY}` },
    'household-cancellation': {
      use: '注销死亡人员户口',
      legalBasis: `《中华人民共和国户口登记条例》第八条；${DUTY}`,
    },
    'pension-funeral-grant': {
      use: '停发养老金，核定并发放丧葬补助金和抚恤金',
      legalBasis: `《中华人民共和国社会保险法》第十七条；${DUTY}`,
    },
    'medical-settlement': {
      use: '结算医保个人账户余额并支付给继承人',
      legalBasis: `《中华人民共和国社会保险法》第十四条；《中华人民共和国民法典》继承编；${DUTY}`,
    },
    'housing-fund': {
      use: '办理住房公积金继承提取并销户',
      legalBasis: `《住房公积金管理条例》第二十四条；《中华人民共和国民法典》继承编；${DUTY}`,
    },
  },
};
