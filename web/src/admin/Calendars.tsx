// Working-day calendars: a region's year at a glance (days off, make-up working days, weekends) and the
// publication of a year's notice, with every problem of it listed at once.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Input, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../shared/api.ts';
import { Defects } from '../staff/components/Defects.tsx';
import { type CalendarView, isWorkingDay } from '../staff/workdays.ts';

interface Region {
  region: string;
  extends: string | null;
  years: string[];
}

const MONTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function Month({
  year,
  month,
  calendar,
  lang,
}: {
  year: number;
  month: number;
  calendar: CalendarView;
  lang: string;
}) {
  const first = new Date(Date.UTC(year, month, 1));
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // weeks start on Monday
  const y = calendar.years[String(year)];
  // Each cell keyed by its date, or by its position for the blanks before the 1st and after the last.
  const cells: { key: string; date: string | null }[] = [];
  for (let i = 0; i < lead; i++) cells.push({ key: `lead${i}`, date: null });
  for (let d = 1; d <= days; d++) {
    const date = `${year}-${String(month + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    cells.push({ key: date, date });
  }
  for (let i = 0; cells.length % 7 !== 0; i++) cells.push({ key: `tail${i}`, date: null });
  const weeks: { key: string; date: string | null }[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const name = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', {
    month: 'long',
    timeZone: 'UTC',
  }).format(first);
  const weekdays = (
    lang === 'zh' ? ['一', '二', '三', '四', '五', '六', '日'] : ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']
  ).map((label, i) => ({ label, key: WEEKDAY_KEYS[i]! }));
  return (
    <table className="month">
      <caption>{name}</caption>
      <thead>
        <tr>
          {weekdays.map((w) => (
            <th key={w.key} scope="col">
              {w.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]!.key}>
            {week.map(({ key, date }) => {
              if (!date) return <td key={key} />;
              const kind = y?.makeupWorkdays.includes(date)
                ? 'makeup'
                : y?.offDays.includes(date)
                  ? 'off'
                  : isWorkingDay(date, calendar)
                    ? 'work'
                    : 'weekend';
              return (
                <td key={date} className={`day-${kind}`} title={kind}>
                  {Number(date.slice(8))}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const days = (text: string) =>
  text
    .split(/[\s,，、]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export default function Calendars() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('zh') ? 'zh' : 'en';
  const queryClient = useQueryClient();
  const regions = useQuery({ queryKey: ['calendars'], queryFn: () => get<Region[]>('/api/calendars') });
  const [region, setRegion] = useState<string | undefined>(undefined);
  const chosen = region ?? regions.data?.[0]?.region;
  const calendar = useQuery({
    queryKey: ['calendar', chosen],
    queryFn: () => get<CalendarView>(`/api/calendars/${encodeURIComponent(chosen!)}`),
    enabled: Boolean(chosen),
  });
  const years = Object.keys(calendar.data?.years ?? {}).sort();
  const [year, setYear] = useState<string | undefined>(undefined);
  const shown = year && years.includes(year) ? year : years.at(-1);

  const [pubRegion, setPubRegion] = useState('CN');
  const [pubYear, setPubYear] = useState(String(new Date().getFullYear() + 1));
  const [offDays, setOffDays] = useState('');
  const [makeup, setMakeup] = useState('');
  const [problems, setProblems] = useState<{ key: string; label: string; message: string }[]>([]);
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  const publish = async () => {
    setProblems([]);
    setResult(null);
    try {
      const { runningCases } = await post<{
        runningCases: { updated: number; deadlines: number; failed: unknown[] };
      }>('/api/calendars/years', {
        region: pubRegion,
        year: pubYear,
        offDays: days(offDays),
        makeupWorkdays: days(makeup),
      });
      setResult({
        type: runningCases.failed.length > 0 ? 'error' : 'success',
        text: t('calendars.published', {
          region: pubRegion,
          year: pubYear,
          updated: runningCases.updated,
          deadlines: runningCases.deadlines,
          failed: runningCases.failed.length,
        }),
      });
      await queryClient.invalidateQueries({ queryKey: ['calendars'] });
      await queryClient.invalidateQueries({ queryKey: ['calendar'] });
    } catch (e) {
      if (!(e instanceof ApiError)) return setResult({ type: 'error', text: t('error.network') });
      const list = (e.problem.errors ?? []).map((x, i) => ({
        key: String(i),
        label: x.field ?? x.path ?? '',
        message: x.message,
      }));
      if (list.length > 0) setProblems(list);
      else setResult({ type: 'error', text: e.problem.detail || e.problem.title });
    }
  };

  return (
    <div>
      <Typography.Title level={2}>{t('calendars.title')}</Typography.Title>
      <Space wrap>
        <span className="inline-label">
          <label htmlFor="cal-region">{t('calendars.region')}</label>
          <Select
            id="cal-region"
            className="select-medium"
            value={chosen}
            onChange={setRegion}
            options={(regions.data ?? []).map((r) => ({
              value: r.region,
              label: r.extends ? `${r.region} ⊂ ${r.extends}` : r.region,
            }))}
          />
        </span>
        <span className="inline-label">
          <label htmlFor="cal-year">{t('calendars.year')}</label>
          <Select
            id="cal-year"
            className="select-small"
            value={shown}
            onChange={setYear}
            options={years.map((y) => ({ value: y, label: y }))}
          />
        </span>
      </Space>
      {calendar.data && shown && (
        <Card
          className="block-gap"
          title={<h3 className="card-title">{t('calendars.yearTitle', { region: chosen, year: shown })}</h3>}
        >
          <p className="small">
            <span className="legend day-off">{t('calendars.off')}</span>{' '}
            <span className="legend day-makeup">{t('calendars.makeup')}</span>{' '}
            <span className="legend day-weekend">{t('calendars.weekend')}</span> ·{' '}
            {t('calendars.officeHours', calendar.data.officeHours)}
          </p>
          <Row gutter={[16, 16]}>
            {MONTHS.map((m) => (
              <Col key={m} xs={24} sm={12} md={8} xl={6}>
                <Month year={Number(shown)} month={m} calendar={calendar.data!} lang={lang} />
              </Col>
            ))}
          </Row>
        </Card>
      )}
      <Card className="block-gap" title={<h3 className="card-title">{t('calendars.publishTitle')}</h3>}>
        <Typography.Paragraph>{t('calendars.publishIntro')}</Typography.Paragraph>
        <Space wrap>
          <span className="inline-label">
            <label htmlFor="pub-region">{t('calendars.region')}</label>
            <Select
              id="pub-region"
              className="select-medium"
              value={pubRegion}
              onChange={setPubRegion}
              options={(regions.data ?? []).map((r) => ({ value: r.region, label: r.region }))}
            />
          </span>
          <span className="inline-label">
            <label htmlFor="pub-year">{t('calendars.year')}</label>
            <Input
              id="pub-year"
              className="select-small"
              value={pubYear}
              onChange={(e) => setPubYear(e.target.value)}
            />
          </span>
        </Space>
        <label className="block-label" htmlFor="off-days">
          {t('calendars.offDays')}
        </label>
        <Input.TextArea
          id="off-days"
          className="code"
          rows={4}
          value={offDays}
          onChange={(e) => setOffDays(e.target.value)}
          placeholder="2027-01-01, 2027-02-05 …"
        />
        <label className="block-label" htmlFor="makeup-days">
          {t('calendars.makeupDays')}
        </label>
        <Input.TextArea
          id="makeup-days"
          className="code"
          rows={2}
          value={makeup}
          onChange={(e) => setMakeup(e.target.value)}
          placeholder="2027-02-14 …"
        />
        <Defects defects={problems} title={t('calendars.problems', { count: problems.length })} />
        {result && (
          <Alert className="block-gap" type={result.type} showIcon title={result.text} role="status" />
        )}
        <Button className="block-gap" type="primary" onClick={() => void publish()}>
          {t('calendars.publish')}
        </Button>
      </Card>
    </div>
  );
}
