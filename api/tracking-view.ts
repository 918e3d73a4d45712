// What an applicant sees of their case (办件查询), in plain words: where each step is, by when, what is
// asked of them, what is ready to collect, and which department read their data for what. Only departments
// are named (never staff), no internal codes or jargon appear in the text, and nothing of other people.
import type { CaseRow, EventRow, StepRow } from '../db/cases.ts';
import type { DeliveryRow } from '../db/deliveries.ts';
import type { FollowUpRow } from '../db/follow-ups.ts';
import type { RatingRow } from '../db/tracking.ts';
import { CHINA_OFFSET_MINUTES } from '../process/calendar.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { categoriesOf, PERSONAL_CATEGORIES } from '../process/personal-data.ts';

export type TrackState =
  | 'waiting'
  | 'in_progress'
  | 'supplement_requested'
  | 'done'
  | 'denied'
  | 'not_needed'
  | 'withdrawn';

export interface AccessRow {
  role: string;
  department: string | null;
  purpose: string;
  /** The form fields, outputs or material read (names). */
  fields: string[];
  at: Date;
}

export interface TrackingInput {
  row: CaseRow;
  definition: ProcessDefinition;
  steps: StepRow[];
  events: EventRow[];
  delivery: DeliveryRow | undefined;
  accesses: AccessRow[];
  rating: RatingRow | undefined;
  followUp: FollowUpRow | undefined;
  /** For whether a follow-up's promise has passed. */
  now: Date;
}

/** Who a rating with no department is about, and who answers its follow-up. */
const CENTRE_NAME = '政务服务中心';

/** The Chinese part of a bilingual name ("设立登记 Business registration" -> "设立登记"). */
export function chinese(name: string): string {
  const match = /^(.*?[^\x20-\x7e])\s+[A-Za-z(]/.exec(name);
  return (match?.[1] ?? name).trim();
}

/** The calendar date in China of an instant: YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/** "12 月 3 日" */
function spoken(date: string): string {
  const [, m, d] = date.split('-');
  return `${Number(m)} 月 ${Number(d)} 日`;
}

const STAGE_NAMES: Record<string, string> = {
  'site-inspection': '现场核查',
  'expert-review': '专家评审',
  hearing: '听证',
  'public-notice': '公示',
};

/** Who read the data, as the applicant may know it: a department, never a person. */
const ROLE_NAMES: Record<string, string> = {
  clerk: '政务服务中心综合窗口',
  manager: '政务服务中心督办',
  admin: '政务服务中心系统管理',
};

function stateOf(step: StepRow, caseStatus: string): TrackState {
  switch (step.status) {
    case 'blocked':
      return caseStatus === 'running' ? 'waiting' : caseStatus === 'withdrawn' ? 'withdrawn' : 'not_needed';
    case 'awaiting_decision':
    case 'in_special_stage':
      return 'in_progress';
    case 'supplement_requested':
      return 'supplement_requested';
    case 'approved':
      return 'done';
    case 'denied':
    case 'terminated':
      return 'denied';
    case 'cancelled':
      return caseStatus === 'withdrawn' ? 'withdrawn' : 'not_needed';
    default:
      return 'not_needed';
  }
}

export function trackingView(input: TrackingInput) {
  const { row, definition, steps, events, delivery, accesses, rating, followUp } = input;
  const departmentName = (code: string) =>
    chinese(definition.departments.find((d) => d.code === code)?.name ?? '相关部门');
  const materialName = (item: string) => {
    const material = definition.materials.find((m) => m.id === item);
    if (material) return chinese(material.title);
    const field = definition.form.properties[item];
    return typeof field?.title === 'string' ? chinese(field.title) : '相关材料';
  };
  const order = new Map(definition.steps.map((s, i) => [s.id, i]));
  const sorted = [...steps].sort((a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0));
  const stepName = (stepId: string) =>
    chinese(
      definition.steps.find((s) => s.id === stepId)?.title ??
        sorted.find((s) => s.stepId === stepId)?.title ??
        '',
    );
  const lastEvent = (stepId: string, type: string) =>
    [...events].reverse().find((e) => e.stepId === stepId && e.type === type);

  const trackSteps = sorted.map((step) => {
    const state = stateOf(step, row.status);
    const name = stepName(step.stepId);
    const dept = departmentName(step.department);
    const expectedBy = step.promisedDeadline ? chinaDate(step.promisedDeadline) : null;
    const finished = ['done', 'denied'].includes(state) || (state === 'withdrawn' && step.decidedAt);
    let text: string;
    switch (state) {
      case 'waiting':
        text = '等待前面的事项办结后开始办理';
        break;
      case 'in_progress':
        text =
          step.status === 'in_special_stage' && step.specialStage
            ? `${dept}正在进行${STAGE_NAMES[step.specialStage.kind] ?? '特别程序'}，这段时间不计入办理时限`
            : expectedBy
              ? `${dept}正在办理，预计 ${spoken(expectedBy)}前完成`
              : `${dept}正在办理`;
        break;
      case 'supplement_requested':
        text = `${dept}需要您补充材料，请按补正告知准备好后交到综合窗口`;
        break;
      case 'done':
        text = `${name}已办结`;
        break;
      case 'denied':
        text =
          step.status === 'terminated'
            ? `${name}因约定后补的材料未按时提交而终止办理`
            : `${name}未予通过，原因请咨询综合窗口`;
        break;
      case 'withdrawn':
        text = '申请已撤回，本事项不再办理';
        break;
      default:
        text =
          step.status === 'cancelled' || step.status === 'blocked'
            ? '因前面的事项未通过，本事项不再办理'
            : '根据您的申请，本事项不需要办理';
    }
    return {
      stepId: step.stepId,
      name,
      departmentName: dept,
      state,
      text,
      expectedBy,
      finishedAt: finished ? (step.decidedAt?.toISOString() ?? null) : null,
    };
  });

  const supplements = sorted.flatMap((step) => {
    const out = [];
    if (step.status === 'supplement_requested' && step.supplementItems) {
      out.push({
        stepId: step.stepId,
        departmentName: departmentName(step.department),
        requestedAt: (
          lastEvent(step.stepId, 'step.supplement_requested')?.at ?? step.updatedAt
        ).toISOString(),
        items: step.supplementItems.map((i) => ({
          item: i.item,
          name: materialName(i.item),
          reason: i.reason,
        })),
      });
    }
    // 容缺受理: materials the applicant promised at intake are owed to the step's department.
    if (row.status === 'running' && step.owed.length > 0) {
      const by = step.owedBy ? `请于 ${spoken(chinaDate(step.owedBy))}前交到综合窗口` : '请尽快交到综合窗口';
      out.push({
        stepId: step.stepId,
        departmentName: departmentName(step.department),
        requestedAt: row.submittedAt.toISOString(),
        items: step.owed.map((item) => ({ item, name: materialName(item), reason: `受理时约定后补，${by}` })),
      });
    }
    return out;
  });

  const delivered = Boolean(delivery?.handedOverAt);
  const results = sorted
    .filter((s) => s.status === 'approved')
    .map((s) => ({
      name: stepName(s.stepId),
      department: departmentName(s.department),
      readyForCollection: Boolean(delivery && !delivery.handedOverAt),
    }));

  const promisedDate = row.promisedDeadline ? chinaDate(row.promisedDeadline) : null;
  const summary = summaryOf(row.status, trackSteps, delivered, promisedDate);

  return {
    caseNo: row.caseNo,
    processId: row.processId,
    processName: chinese(definition.title),
    status: row.status,
    submittedAt: row.submittedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    promisedDate,
    summary,
    steps: trackSteps,
    results,
    supplements,
    delivered,
    accesses: accesses.map((a) => accessView(a, definition, steps, departmentName, stepName)),
    rating: rating
      ? {
          score: rating.score,
          comment: rating.comment,
          at: rating.ratedAt.toISOString(),
          department: rating.department,
          departmentName: rating.department ? departmentName(rating.department) : CENTRE_NAME,
        }
      : null,
    departments: [
      ...new Set(sorted.filter((s) => s.status !== 'not_applicable').map((s) => s.department)),
    ].map((code) => ({ code, name: departmentName(code) })),
    followUp: followUp ? followUpLine(followUp, departmentName, input.now) : null,
  };
}

/** A follow-up (整改) in plain words: who answers, by when, or what they answered. */
function followUpLine(followUp: FollowUpRow, departmentName: (code: string) => string, now: Date) {
  const dept = followUp.department ? departmentName(followUp.department) : CENTRE_NAME;
  const promisedDate = followUp.dueAt ? chinaDate(followUp.dueAt) : null;
  const base = { departmentName: dept, promisedDate };
  if (followUp.closedAt) {
    return {
      ...base,
      state: 'closed' as const,
      text: `${dept}已于 ${spoken(chinaDate(followUp.closedAt))}答复您的评价`,
      response: followUp.response,
      respondedAt: followUp.closedAt.toISOString(),
    };
  }
  const overdue = followUp.dueAt !== null && now.getTime() >= followUp.dueAt.getTime();
  return {
    ...base,
    state: overdue ? ('overdue' as const) : ('open' as const),
    text: overdue
      ? `${dept}未在承诺的 ${spoken(promisedDate!)}前答复，政务服务中心正在督办`
      : promisedDate
        ? `${dept}正在核实您反映的问题，将于 ${spoken(promisedDate)}前答复`
        : `${dept}正在核实您反映的问题，将在 15 个工作日内答复`,
    response: null,
    respondedAt: null,
  };
}

function summaryOf(
  status: string,
  steps: { state: TrackState; departmentName: string; expectedBy: string | null }[],
  delivered: boolean,
  promisedDate: string | null,
): string {
  switch (status) {
    case 'running': {
      const asking = [
        ...new Set(steps.filter((s) => s.state === 'supplement_requested').map((s) => s.departmentName)),
      ];
      if (asking.length > 0) return `${asking.join('、')}需要您补充材料，请查看下方的补正告知`;
      const working = steps.filter((s) => s.state === 'in_progress');
      if (working.length === 0) return '您的申请已受理，正在办理';
      const by =
        promisedDate ??
        working
          .map((s) => s.expectedBy)
          .filter((d): d is string => d !== null)
          .sort()
          .at(-1);
      const names = [...new Set(working.map((s) => s.departmentName))].join('、');
      return by ? `${names}正在办理，预计 ${spoken(by)}前完成` : `${names}正在办理`;
    }
    case 'completed':
      return delivered ? '全部事项已办结，办理结果已交付' : '全部事项已办结，请到综合窗口领取办理结果';
    case 'partially_completed':
      return delivered
        ? '部分事项已办结，办理结果已交付；未通过的事项请咨询综合窗口'
        : '部分事项已办结，请到综合窗口领取办理结果；未通过的事项请咨询综合窗口';
    case 'denied':
      return '您的申请未予通过，原因请咨询综合窗口';
    case 'withdrawn':
      return '您的申请已撤回';
    default:
      return '办理已终止，详情请咨询综合窗口';
  }
}

/** What the centre's own roles read a case for (their use rests on the centre's handling of the case). */
const CENTRE_PURPOSES: Record<string, string> = {
  clerk: '受理申请、补正材料和统一出件',
  manager: '督办检查（电子监察）',
  admin: '系统管理',
};

/**
 * One read as the applicant sees it: which office, when, for which step, what it read (categories of
 * personal data, never the values) and the purpose and legal basis the step declares. A department's read
 * of the case or a material serves the steps it has in the case.
 */
function accessView(
  a: AccessRow,
  definition: ProcessDefinition,
  steps: StepRow[],
  departmentName: (code: string) => string,
  stepName: (stepId: string) => string,
) {
  const [kind, detail] = a.purpose.split(':', 2) as [string, string | undefined];
  const what =
    kind === 'case-detail'
      ? 'case view'
      : kind === 'material'
        ? 'material download'
        : kind === 'worklist'
          ? 'worklist'
          : kind === 'dispatch'
            ? 'sent to system'
            : kind === 'delivery'
              ? 'delivery'
              : 'other';
  const byDepartment = a.role === 'department' || a.role === 'department-system';
  const servedSteps =
    (kind === 'worklist' || kind === 'dispatch') && detail
      ? definition.steps.filter((s) => s.id === detail)
      : byDepartment
        ? definition.steps.filter(
            (s) =>
              s.department === a.department &&
              steps.some((row) => row.stepId === s.id && row.status !== 'not_applicable'),
          )
        : [];
  const declared = servedSteps.flatMap((s) => (s.purpose ? [s.purpose] : []));
  return {
    departmentName:
      byDepartment && a.department ? departmentName(a.department) : (ROLE_NAMES[a.role] ?? '政务服务中心'),
    at: a.at.toISOString(),
    stepName: servedSteps.length === 1 ? stepName(servedSteps[0]!.id) || null : null,
    purpose: declared.length > 0 ? declared.map((p) => p.use).join('；') : (CENTRE_PURPOSES[a.role] ?? null),
    legalBasis: declared.length > 0 ? [...new Set(declared.map((p) => p.legalBasis))].join('；') : null,
    categories: categoriesOf(definition, a.fields).map((c) => PERSONAL_CATEGORIES[c]),
    what,
  };
}
