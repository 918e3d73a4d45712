// Chinese for the few catalog titles published in English only (company start-up's form and outputs),
// and labels for enum values, which JSON Schema cannot title. Written "中文 English" like the
// definitions' own titles so both languages read from one place. A definition that titles everything
// in both languages needs nothing here.
export const TITLES: Record<string, string> = {
  'company-startup:companyName': '拟设公司名称 Proposed company name',
  'company-startup:enterpriseType': '企业类型 Type of enterprise',
  'company-startup:registeredCapital': '注册资本（万元） Registered capital (10k CNY)',
  'company-startup:address': '住所 Registered address',
  'company-startup:businessScope': '经营范围 Business scope',
  'company-startup:legalRepresentative': '法定代表人 Legal representative',
  'company-startup:legalRepresentative.name': '姓名 Name',
  'company-startup:legalRepresentative.idNumber': '公民身份号码 Resident ID number',
  'company-startup:legalRepresentative.phone': '手机号码 Mobile phone',
  'company-startup:employeeCount': '开业时员工人数 Employees at start',
  'company-startup:seals': '需刻制的印章 Seals to engrave',
  'company-startup:invoiceTypes': '需申领的发票 Invoices needed',
  'company-startup:bank': '基本存款账户开户银行 Bank for the basic account',
  'company-startup:bank.name': '银行名称 Bank name',
  'company-startup:bank.branch': '支行 Branch',
  'output:companyName': '登记的企业名称 Registered company name',
  'output:legalRepresentativeName': '法定代表人 Legal representative',
  'output:registeredAddress': '登记住所 Registered address',
  'output:businessScope': '核准的经营范围 Approved business scope',
  'output:registrationDate': '成立日期 Date of establishment',
  'output:sealFilingNo': '印章备案号 Seal filing number',
  'output:invoiceQuota': '每月发票限额 Monthly invoice quota',
  'output:taxDeviceNo': '税控设备号 Tax device number',
  'output:socialInsuranceNo': '社保登记号 Social insurance registration number',
  'output:housingFundAccountNo': '公积金账号 Housing-fund account number',
  'output:appointmentRef': '预约编号 Appointment reference',
  'output:appointmentDate': '预约日期 Appointment date',
};

export const ENUM_LABELS: Record<string, string> = {
  'limited-liability': '有限责任公司 Limited liability company',
  'sole-proprietorship': '个人独资企业 Sole proprietorship',
  partnership: '合伙企业 Partnership',
  official: '公章 Official seal',
  finance: '财务专用章 Finance seal',
  invoice: '发票专用章 Invoice seal',
  contract: '合同专用章 Contract seal',
  'legal-representative': '法定代表人名章 Legal representative’s seal',
  'general-vat': '增值税普通发票 General VAT invoice',
  'special-vat': '增值税专用发票 Special VAT invoice',
  electronic: '电子发票 Electronic invoice',
  male: '男 Male',
  female: '女 Female',
  hospital: '医院 Hospital',
  home: '家中 At home',
  elsewhere: '其他地点 Elsewhere',
  spouse: '配偶 Spouse',
  child: '子女 Child',
  parent: '父母 Parent',
  sibling: '兄弟姐妹 Sibling',
  other: '其他 Other',
  residential: '住宅 Residential',
  full: '全款 Paid in full',
  'commercial-loan': '商业贷款 Commercial loan',
  'housing-fund-loan': '公积金贷款 Housing-fund loan',
  'combined-loan': '组合贷款 Combined loan',
  'first-home': '首套住房 First home',
  'second-home': '二套住房 Second home',
  'china-telecom': '中国电信 China Telecom',
  'china-mobile': '中国移动 China Mobile',
  'china-unicom': '中国联通 China Unicom',
  mother: '母亲 Mother',
  father: '父亲 Father',
  post: '邮寄 By post',
  pickup: '自取 Pick up',
  restaurant: '餐馆 Restaurant',
  'fast-food': '快餐店 Fast food',
  'snack-bar': '小吃店 Snack bar',
  'beverage-shop': '饮品店 Beverage shop',
  'catering-delivery': '集体用餐配送 Catering delivery',
  'hot-food': '热食类 Hot food',
  'cold-food': '冷食类 Cold food',
  'raw-food': '生食类 Raw food',
  pastries: '糕点类 Pastries',
  'self-made-drinks': '自制饮品 Self-made drinks',
  wall: '附墙式 Wall-mounted',
  projecting: '悬挑式 Projecting',
  canopy: '雨篷式 Canopy',
  employee: '企业职工 Employee',
  'flexible-employment': '灵活就业人员 Flexible employment',
  'statutory-age': '法定退休年龄 Statutory age',
  'flexible-early': '弹性提前退休 Flexible, early',
  'flexible-late': '弹性延迟退休 Flexible, late',
  'special-job': '特殊工种 Special job',
  disability: '因病或非因工致残 Disability',
  worker: '工人岗位 Worker',
  'manager-or-technical': '管理或技术岗位 Management or technical',
};

/** The title of a form field (dotted path) in a definition, falling back to the glossary, then the name. */
export function fieldTitle(processId: string, path: string, schemaTitle: string | undefined): string {
  if (schemaTitle && /[\u3400-\u9fff]/u.test(schemaTitle)) return schemaTitle;
  return TITLES[`${processId}:${path}`] ?? schemaTitle ?? path.split('.').pop() ?? path;
}

export function outputTitle(name: string, specTitle: string | undefined): string {
  if (specTitle && /[\u3400-\u9fff]/u.test(specTitle)) return specTitle;
  return TITLES[`output:${name}`] ?? specTitle ?? name;
}

export function enumLabel(value: unknown): string {
  return ENUM_LABELS[String(value)] ?? String(value);
}
