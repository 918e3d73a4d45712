// The departments the built-in catalog uses. Codes are stable identifiers: staff accounts are bound to
// them and every step names one. Names are shown to clerks and applicants.
import type { DepartmentRef } from '../process/definition.ts';

export const DEPARTMENTS = {
  SAMR: { code: 'SAMR', name: '市场监督管理局 Market Supervision' },
  PSB: { code: 'PSB', name: '公安局 Public Security' },
  TAX: { code: 'TAX', name: '税务局 Tax' },
  HRSS: { code: 'HRSS', name: '人力资源和社会保障局 HR & Social Security' },
  HSA: { code: 'HSA', name: '医疗保障局 Medical Security' },
  HPF: { code: 'HPF', name: '住房公积金管理中心 Housing Fund Centre' },
  BANK: { code: 'BANK', name: '开户银行 Bank' },
} as const satisfies Record<string, DepartmentRef>;

export type DepartmentCode = keyof typeof DEPARTMENTS;

export function isKnownDepartment(code: string): code is DepartmentCode {
  return Object.hasOwn(DEPARTMENTS, code);
}
