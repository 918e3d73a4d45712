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
  HEALTH: { code: 'HEALTH', name: '卫生健康委员会 Health Commission' },
  FIRE: { code: 'FIRE', name: '消防救援支队 Fire Rescue' },
  URBAN: { code: 'URBAN', name: '城市管理局 Urban Management' },
  HOUSING: { code: 'HOUSING', name: '住房和城乡建设局 Housing and Urban-Rural Development' },
  NATRES: {
    code: 'NATRES',
    name: '自然资源和规划局（不动产登记） Natural Resources and Planning (real-estate registry)',
  },
  CIVIL: { code: 'CIVIL', name: '民政局（殡葬管理） Civil Affairs (funeral services)' },
  WATER: { code: 'WATER', name: '供水公司 Water supply company' },
  POWER: { code: 'POWER', name: '供电公司 Power supply company' },
  GAS: { code: 'GAS', name: '燃气公司 Gas company' },
  BROADBAND: { code: 'BROADBAND', name: '宽带运营商 Broadband provider' },
} as const satisfies Record<string, DepartmentRef>;

export type DepartmentCode = keyof typeof DEPARTMENTS;

export function isKnownDepartment(code: string): code is DepartmentCode {
  return Object.hasOwn(DEPARTMENTS, code);
}
