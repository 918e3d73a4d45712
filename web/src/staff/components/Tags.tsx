// Status and clock tags. Colours are our own (WCAG AA on their backgrounds) and never the only cue:
// every tag says in words what it means.
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../../shared/time.ts';
import type { ClockView } from '../../shared/types.ts';

const CASE_TONE: Record<string, string> = {
  running: 'info',
  completed: 'ok',
  partially_completed: 'warn',
  denied: 'bad',
  withdrawn: 'muted',
  terminated: 'bad',
};

const STEP_TONE: Record<string, string> = {
  blocked: 'muted',
  awaiting_decision: 'info',
  supplement_requested: 'warn',
  in_special_stage: 'warn',
  approved: 'ok',
  denied: 'bad',
  cancelled: 'muted',
  terminated: 'bad',
  not_applicable: 'muted',
};

const CLOCK_TONE: Record<string, string> = {
  green: 'ok',
  yellow: 'warn',
  red: 'bad',
  paused: 'muted',
  stopped: 'muted',
  unknown: 'muted',
  none: 'muted',
};

export function CaseStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag className={`tag-${CASE_TONE[status] ?? 'muted'}`}>{t(`caseStatus.${status}`, status)}</Tag>;
}

export function StepStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag className={`tag-${STEP_TONE[status] ?? 'muted'}`}>{t(`stepStatus.${status}`, status)}</Tag>;
}

export function UrgencyTag({ urgency, text }: { urgency: string; text?: string }) {
  const { t } = useTranslation();
  return (
    <Tag className={`tag-${CLOCK_TONE[urgency] ?? 'muted'} urgency`}>
      {t(`urgency.${urgency}`, urgency)}
      {text ? ` · ${text}` : ''}
    </Tag>
  );
}

export function ClockLine({ clock }: { clock: ClockView }) {
  const { t } = useTranslation();
  const state = clock.state === 'stopped' && clock.finalState ? clock.finalState : clock.state;
  return (
    <span className="clock-line">
      <strong>{t(`clock.${clock.clock}`, clock.clock)}</strong>{' '}
      <Tag className={`tag-${CLOCK_TONE[state] ?? 'muted'}`}>
        {t(`clockState.${clock.state}`, clock.state)}
        {clock.state === 'stopped' && clock.finalState ? ` (${t(`clockState.${clock.finalState}`)})` : ''}
      </Tag>
      {clock.deadline
        ? t('clock.deadline', { at: dateTime(clock.deadline) })
        : clock.note
          ? t('clock.unknownDeadline')
          : ''}{' '}
      <span className="muted">{t('clock.used', { hours: clock.usedHours.toFixed(1) })}</span>
    </span>
  );
}
