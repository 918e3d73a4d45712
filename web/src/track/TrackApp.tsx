// /track: the applicant types the case number (prefilled from the receipt's QR code) and the tracking
// code printed on the receipt, and reads in plain words how far the case is, what is due when, what is
// ready to collect, who looked at their data and why; after delivery they can rate the service.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { switchLanguage } from '../shared/i18n.ts';
import { dateTime } from '../shared/time.ts';
import type { TrackView } from '../shared/types.ts';

function Language() {
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return (
    <button
      type="button"
      className="link-button"
      lang={zh ? 'en' : 'zh-CN'}
      onClick={() => switchLanguage(zh ? 'en' : 'zh')}
    >
      {zh ? 'English' : '中文'}
    </button>
  );
}

export function TrackApp() {
  const { t } = useTranslation();
  const initialCaseNo = new URLSearchParams(window.location.search).get('caseNo') ?? '';
  const [caseNo, setCaseNo] = useState(initialCaseNo);
  const [code, setCode] = useState('');
  const [view, setView] = useState<TrackView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const lookUp = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setView(await post<TrackView>('/api/track', { caseNo: caseNo.trim(), trackingCode: code.trim() }));
    } catch (e) {
      setView(null);
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) setError(t('notFound'));
      else if (e instanceof ApiError && e.status === 429) setError(t('tooMany'));
      else setError(t('network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="track">
      <header className="track-header">
        <h1>{t('title')}</h1>
        <Language />
      </header>
      <main id="main">
        {view ? (
          <CaseProgress
            view={view}
            code={code}
            onRefresh={() => void lookUp()}
            onOther={() => setView(null)}
          />
        ) : (
          <form className="track-form" onSubmit={(e) => void lookUp(e)} noValidate>
            <p>{t('intro')}</p>
            <label htmlFor="case-no">{t('caseNo')}</label>
            <input
              id="case-no"
              name="caseNo"
              value={caseNo}
              onChange={(e) => setCaseNo(e.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
              required
            />
            <label htmlFor="tracking-code">{t('code')}</label>
            <input
              id="tracking-code"
              name="trackingCode"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
              aria-describedby="code-hint"
              required
            />
            <p id="code-hint" className="hint">
              {t('codeHint')}
            </p>
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy || !caseNo.trim() || !code.trim()}>
              {busy ? t('looking') : t('lookUp')}
            </button>
          </form>
        )}
      </main>
      <footer className="track-footer">{t('footer')}</footer>
    </div>
  );
}

type Access = TrackView['accesses'][number];

/** Reads of the same kind by the same office, together: a worklist is read every time it is opened. */
function grouped(accesses: Access[]) {
  const groups = new Map<string, { key: string; access: Access; count: number; last: string }>();
  for (const a of accesses) {
    const key = `${a.departmentName}|${a.stepName ?? ''}|${a.what}|${a.purpose ?? ''}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { key, access: a, count: 1, last: a.at });
    else {
      group.count++;
      if (a.at > group.last) group.last = a.at;
    }
  }
  return [...groups.values()].sort((x, y) => y.last.localeCompare(x.last));
}

/** Dates come as YYYY-MM-DD, instants as ISO strings. */
const dateOrTime = (v: string) => (v.length === 10 ? v : dateTime(v));

/** What an office did with the data, as the API names it. */
const ACCESS_KINDS = ['case view', 'material download', 'worklist', 'sent to system', 'delivery'];

const STATE_CLASS: Record<string, string> = {
  waiting: 'muted',
  in_progress: 'info',
  supplement_requested: 'warn',
  done: 'ok',
  denied: 'bad',
  not_needed: 'muted',
  withdrawn: 'muted',
};

function CaseProgress({
  view,
  code,
  onRefresh,
  onOther,
}: {
  view: TrackView;
  code: string;
  onRefresh: () => void;
  onOther: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <article className="progress" aria-labelledby="case-title">
      <h2 id="case-title">{localTitle(view.processName, lang)}</h2>
      <p className="case-no">
        {t('caseNo')}
        {t('colon')}
        {view.caseNo}
      </p>
      <p className={`status status-${view.status}`}>
        {view.summary || t(`status.${view.status}`, view.status)}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('submittedAt')}</dt>
          <dd>{dateTime(view.submittedAt)}</dd>
        </div>
        {view.promisedDate && (
          <div>
            <dt>{t('promisedDate')}</dt>
            <dd>{dateOrTime(view.promisedDate)}</dd>
          </div>
        )}
        {view.closedAt && (
          <div>
            <dt>{t('closedAt')}</dt>
            <dd>{dateTime(view.closedAt)}</dd>
          </div>
        )}
      </dl>

      {view.supplements.length > 0 && (
        <section className="notice" aria-labelledby="supplements-title">
          <h3 id="supplements-title">{t('supplements')}</h3>
          {view.supplements.map((s) => (
            <div key={`${s.stepId}${s.requestedAt}`}>
              <p>
                {t('supplementFrom', {
                  department: localTitle(s.departmentName, lang),
                  at: dateTime(s.requestedAt),
                })}
              </p>
              <ul>
                {s.items.map((i) => (
                  <li key={i.item}>
                    <strong>{localTitle(i.name, lang)}</strong>
                    {t('colon')}
                    {i.reason}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <p className="hint">{t('supplementHint')}</p>
        </section>
      )}

      <section aria-labelledby="steps-title">
        <h3 id="steps-title">{t('steps')}</h3>
        <ol className="steps">
          {view.steps.map((s) => (
            <li key={s.stepId} className={`step step-${STATE_CLASS[s.state] ?? 'muted'}`}>
              <div className="step-head">
                <span className="step-name">{localTitle(s.name, lang)}</span>
                <span className={`badge badge-${STATE_CLASS[s.state] ?? 'muted'}`}>
                  {t(`state.${s.state}`, s.state)}
                </span>
              </div>
              <div className="step-dept">{localTitle(s.departmentName, lang)}</div>
              {s.text && <p className="step-text">{s.text}</p>}
              {s.finishedAt ? (
                <p className="step-when">{t('finishedAt', { at: dateTime(s.finishedAt) })}</p>
              ) : s.expectedBy ? (
                <p className="step-when">{t('expectedBy', { at: dateOrTime(s.expectedBy) })}</p>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      {view.results.length > 0 && (
        <section aria-labelledby="results-title">
          <h3 id="results-title">{t('results')}</h3>
          <ul className="results">
            {view.results.map((r) => (
              <li key={`${r.department}${r.name}`}>
                <strong>{localTitle(r.name, lang)}</strong>（{localTitle(r.department, lang)}）
                <span className={`badge badge-${r.readyForCollection || view.delivered ? 'ok' : 'muted'}`}>
                  {view.delivered ? t('delivered') : r.readyForCollection ? t('ready') : t('notReady')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="access-title">
        <h3 id="access-title">{t('accesses')}</h3>
        <p className="hint">{t('accessesIntro')}</p>
        {view.accesses.length === 0 ? (
          <p>{t('noAccess')}</p>
        ) : (
          <ul className="accesses">
            {grouped(view.accesses).map(({ key, access: a, count, last }) => (
              <li key={key}>
                <div>
                  <strong>{localTitle(a.departmentName, lang)}</strong> · {dateTime(last)}
                  {count > 1 ? ` ${t('times', { count })}` : ''}
                </div>
                <div>
                  {t(`access.${ACCESS_KINDS.includes(a.what) ? a.what.replaceAll(' ', '-') : 'other'}`, {
                    step: a.stepName ? localTitle(a.stepName, lang) : t('yourCase'),
                  })}
                </div>
                {a.categories.length > 0 && <div>{t('read', { categories: a.categories.join('、') })}</div>}
                {a.purpose && <div>{t('purpose', { purpose: a.purpose })}</div>}
                {a.legalBasis && (
                  <div className="legal-basis">{t('legalBasis', { basis: a.legalBasis })}</div>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {view.delivered && <Rating view={view} code={code} onRated={onRefresh} />}
      {view.followUp && <FollowUp followUp={view.followUp} />}

      <div className="actions">
        <button type="button" onClick={onRefresh}>
          {t('refresh')}
        </button>
        <button type="button" onClick={onOther}>
          {t('other')}
        </button>
      </div>
    </article>
  );
}

/** The follow-up of a bad rating: the promised date in plain words, or the department's response. */
function FollowUp({ followUp }: { followUp: NonNullable<TrackView['followUp']> }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-t`} className="rating">
      <h3 id={`${id}-t`}>{t('followUp')}</h3>
      <p>
        <span
          className={`badge badge-${followUp.state === 'closed' ? 'ok' : followUp.state === 'overdue' ? 'warn' : 'muted'}`}
        >
          {t(`followUpState.${followUp.state}`)}
        </span>{' '}
        {followUp.text}
      </p>
      {followUp.response && <blockquote className="response">{followUp.response}</blockquote>}
    </section>
  );
}

function Rating({ view, code, onRated }: { view: TrackView; code: string; onRated: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  // A rating of 1 or 2 names the department it is about; '' means the service centre (the window).
  const [department, setDepartment] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  const rating = view.rating as unknown;
  const given = typeof rating === 'number' ? rating : (rating as { score?: number } | null)?.score;
  if (given) {
    return (
      <section aria-labelledby={`${id}-t`} className="rating">
        <h3 id={`${id}-t`}>{t('rating')}</h3>
        <p>{t('rated', { score: given })}</p>
      </section>
    );
  }
  const send = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await post('/api/track/rating', {
        caseNo: view.caseNo,
        trackingCode: code.trim(),
        score,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(score <= 2 && department ? { department } : {}),
      });
      setMessage(t('thanks'));
      onRated();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.problem.detail || err.problem.title : t('network'));
    }
  };
  return (
    <section aria-labelledby={`${id}-t`} className="rating">
      <h3 id={`${id}-t`}>{t('rating')}</h3>
      <form onSubmit={(e) => void send(e)}>
        <fieldset>
          <legend>{t('ratingQuestion')}</legend>
          <div className="stars">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className={n <= score ? 'on' : ''}>
                <input
                  type="radio"
                  name="score"
                  value={n}
                  checked={score === n}
                  onChange={() => setScore(n)}
                  aria-label={t('stars', { count: n })}
                />
                <span aria-hidden="true">★</span>
              </label>
            ))}
          </div>
        </fieldset>
        {score > 0 && score <= 2 && (
          <>
            <label htmlFor={`${id}-d`}>{t('blame')}</label>
            <select id={`${id}-d`} value={department} onChange={(e) => setDepartment(e.target.value)}>
              <option value="">{t('centre')}</option>
              {view.departments.map((d) => (
                <option key={d.code} value={d.code}>
                  {localTitle(d.name, lang)}
                </option>
              ))}
            </select>
            <p className="hint">{t('followUpPromise')}</p>
          </>
        )}
        <label htmlFor={`${id}-c`}>{t('comment')}</label>
        <textarea
          id={`${id}-c`}
          rows={3}
          maxLength={1000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        {message && (
          <p role="status" className="hint">
            {message}
          </p>
        )}
        <button type="submit" className="primary" disabled={score === 0}>
          {t('sendRating')}
        </button>
      </form>
    </section>
  );
}
