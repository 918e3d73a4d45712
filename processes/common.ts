// Building blocks shared by the catalog's definitions: formats of real identifiers and the JSON Schema
// pieces several combined forms repeat. Output patterns are unanchored (checkDecision anchors them); form
// patterns are anchored here.

/** 公民身份号码: 17 digits and a check character (a digit or X). */
export const ID_NUMBER_PATTERN = '\\d{17}[0-9X]';

/** A mainland mobile number. */
export const PHONE_PATTERN = '1\\d{10}';

/** 行政区划代码: the 6-digit administrative division code (Hangzhou's districts start with 3301). */
export const DIVISION_CODE_PATTERN = '\\d{6}';

/** An anchored copy of an output pattern, for the form's JSON Schema. */
export const anchored = (pattern: string): string => `^(?:${pattern})$`;

export const dateField = (title: string): Record<string, unknown> => ({
  type: 'string',
  format: 'date',
  title,
});

export const phoneField: Record<string, unknown> = {
  type: 'string',
  pattern: anchored(PHONE_PATTERN),
  title: '手机号码 Mobile phone',
};

export const idNumberField: Record<string, unknown> = {
  type: 'string',
  pattern: anchored(ID_NUMBER_PATTERN),
  title: '公民身份号码 Resident ID number',
};

/** A person identified by name, ID number and phone, with optional extra properties. */
export function personField(
  title: string,
  extra: Record<string, Record<string, unknown>> = {},
  extraRequired: string[] = [],
): Record<string, unknown> {
  return {
    type: 'object',
    title,
    'x-personal': ['identity', 'contact'],
    additionalProperties: false,
    required: ['name', 'idNumber', 'phone', ...extraRequired],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 50, title: '姓名 Name' },
      idNumber: idNumberField,
      phone: phoneField,
      ...extra,
    },
  };
}

/** A bank account to pay into (allowances, pensions, refunds): seen only by the step that pays. */
export function bankAccountField(title: string): Record<string, unknown> {
  return {
    type: 'object',
    title,
    'x-personal': ['financial', 'identity'],
    additionalProperties: false,
    required: ['bankName', 'accountNo', 'holderName'],
    properties: {
      bankName: { type: 'string', minLength: 2, maxLength: 100, title: '开户银行 Bank' },
      accountNo: { type: 'string', pattern: '^\\d{12,19}$', title: '银行账号 Account number' },
      holderName: { type: 'string', minLength: 1, maxLength: 50, title: '户名 Account holder' },
    },
  };
}
