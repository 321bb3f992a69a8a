import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { errorText } from '../../components/ErrorMessage';
import { useI18n } from '../../context';
import { formatDateTime } from '../../labels';
import {
  allowsNotApplicable,
  answerText,
  Autosaver,
  fieldProblemText,
  localText,
  parseNumberInput,
  type SaveState,
} from '../../survey';
import type {
  AnswerBody,
  AnswerValue,
  AnswerVersion,
  LocalText,
  StoredAnswer,
  SurveyItem,
} from '../../surveyApi';

interface Draft {
  value: AnswerValue | null;
  comment: string;
}

export interface ItemEditorProps {
  item: SurveyItem;
  /** Distinguishes control ids when one item has two editors (answer and rating). */
  idPrefix: string;
  initial: StoredAnswer | null;
  editable: boolean;
  maturityScale: LocalText[];
  save: (body: AnswerBody) => Promise<StoredAnswer | null>;
  /** After each successful save, with what the server stored (null: cleared). */
  onSaved?: (answer: StoredAnswer | null) => void;
  onSaveState?: (itemId: string, state: SaveState) => void;
  loadHistory?: () => Promise<AnswerVersion[]>;
}

/**
 * One item's answer control by answer type, saved as the user goes (choices at once,
 * typing after a pause), with its save state, the server's objection at the item, a
 * comment and the item's history. Not for evidence items: their files answer them
 * (EvidenceFiles).
 */
export function ItemEditor(props: ItemEditorProps) {
  const { item, idPrefix, initial, editable, maturityScale } = props;
  const { t, locale } = useI18n();
  const base = `${idPrefix}-${item.id}`;
  const [value, setValue] = useState<AnswerValue | null>(initial?.value ?? null);
  const [numberText, setNumberText] = useState(
    typeof initial?.value === 'number' ? String(initial.value) : '',
  );
  const [comment, setComment] = useState(initial?.comment ?? '');
  const [state, setState] = useState<SaveState>('idle');
  const [problem, setProblem] = useState<string>();
  const stored = useRef<StoredAnswer | null>(initial);
  const propsRef = useRef(props);
  propsRef.current = props;

  const saver = useRef<Autosaver<Draft>>();
  if (!saver.current) {
    saver.current = new Autosaver<Draft>(
      async (draft) => {
        const current = stored.current;
        const body: AnswerBody = { value: draft.value };
        if (draft.value !== null) {
          body.comment = draft.comment;
          // Evidence is attached elsewhere; send back what is stored so a save keeps it.
          if (current?.evidence) body.evidence = current.evidence;
        }
        if (current) body.version = current.version;
        const answer = await propsRef.current.save(body);
        stored.current = answer;
        propsRef.current.onSaved?.(answer);
      },
      (next, error) => {
        setState(next);
        propsRef.current.onSaveState?.(item.id, next);
        if (next === 'saving') setProblem(undefined);
        if (next === 'error') setProblem(problemOf(error));
      },
    );
  }
  // Leaving the section (or the page) saves what is still waiting for its pause.
  useEffect(() => () => void saver.current?.flush(), []);

  const problemOf = (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('survey.save.error');
    if (error.code === 'aborted') return t('survey.save.conflict');
    const detail = error.details.find((d) => d.field === item.id) ?? error.details[0];
    if (detail) return fieldProblemText(t, detail);
    return errorText(t, error);
  };

  const change = (next: AnswerValue | null, immediate: boolean) => {
    setValue(next);
    saver.current!.change({ value: next, comment });
    if (immediate) void saver.current!.flush();
  };

  const changeComment = (text: string) => {
    setComment(text);
    if (value !== null) saver.current!.change({ value, comment: text });
  };

  const notApplicable = value === 'not_applicable';
  const offerNa = allowsNotApplicable(item);
  const disabled = !editable;
  const errorId = `${base}-error`;
  const aria = {
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': problem ? errorId : undefined,
  };

  const radios = (options: { value: AnswerValue; label: string; detail?: string }[]) => (
    <div class="survey-options" role="radiogroup" aria-labelledby={`${base}-q`} {...aria}>
      {options.map((o) => (
        <label key={String(o.value)}>
          <input
            type="radio"
            name={base}
            checked={value === o.value}
            disabled={disabled}
            onChange={() => change(o.value, true)}
          />
          <span>
            {o.label}
            {o.detail && <span class="survey-level-text"> — {o.detail}</span>}
          </span>
        </label>
      ))}
    </div>
  );
  const naOption = offerNa
    ? [{ value: 'not_applicable', label: t('survey.answer.not_applicable') }]
    : [];
  const naCheckbox = offerNa && (
    <label class="small">
      <input
        type="checkbox"
        checked={notApplicable}
        disabled={disabled}
        onChange={(e) => {
          if (e.currentTarget.checked) change('not_applicable', true);
          else {
            setNumberText('');
            change(null, true);
          }
        }}
      />{' '}
      {t('survey.answer.not_applicable')}
    </label>
  );

  let control;
  switch (item.type) {
    case 'maturity': {
      const levels = item.levels?.length ? item.levels : maturityScale;
      control = radios([
        ...[0, 1, 2, 3, 4].map((level) => ({
          value: level,
          label: t('survey.answer.level', { level }),
          detail: localText(levels[level], locale),
        })),
        ...naOption,
      ]);
      break;
    }
    case 'yes_no':
      control = radios([
        ...(['yes', 'compensating', 'no'] as const).map((v) => ({
          value: v,
          label: t(`survey.answer.${v}`),
        })),
        ...naOption,
      ]);
      break;
    case 'single_choice':
      control = radios([
        ...(item.choices ?? []).map((c) => ({ value: c.id, label: localText(c.label, locale) })),
        ...naOption,
      ]);
      break;
    case 'multiple_choice': {
      const chosen = Array.isArray(value) ? value : [];
      control = (
        <div class="survey-options" role="group" aria-labelledby={`${base}-q`} {...aria}>
          {(item.choices ?? []).map((c) => (
            <label key={c.id}>
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                disabled={disabled || notApplicable}
                onChange={(e) => {
                  const next = e.currentTarget.checked
                    ? [...chosen, c.id]
                    : chosen.filter((id) => id !== c.id);
                  change(next, true);
                }}
              />
              <span>{localText(c.label, locale)}</span>
            </label>
          ))}
          {naCheckbox}
        </div>
      );
      break;
    }
    case 'number': {
      const spec = item.number;
      const unit = localText(spec?.unit, locale);
      control = (
        <div class="survey-options">
          <span>
            <input
              id={`${base}-input`}
              type="text"
              inputMode="decimal"
              class="survey-number"
              value={notApplicable ? '' : numberText}
              disabled={disabled || notApplicable}
              aria-labelledby={`${base}-q`}
              {...aria}
              onInput={(e) => {
                const text = e.currentTarget.value;
                setNumberText(text);
                const parsed = parseNumberInput(text);
                if (parsed !== null && Number.isNaN(parsed)) {
                  saver.current!.dispose();
                  setProblem(t('survey.save.invalidNumber'));
                  setState('error');
                  return;
                }
                change(parsed, false);
              }}
              onBlur={() => void saver.current!.flush()}
            />{' '}
            {unit}
          </span>
          {spec && (
            <span class="hint">{t('survey.q.range', { min: spec.min, max: spec.max })}</span>
          )}
          {naCheckbox}
        </div>
      );
      break;
    }
    case 'text':
      control = (
        <textarea
          id={`${base}-input`}
          value={typeof value === 'string' ? value : ''}
          maxLength={16000}
          disabled={disabled}
          aria-labelledby={`${base}-q`}
          {...aria}
          onInput={(e) => change(e.currentTarget.value || null, false)}
          onBlur={() => void saver.current!.flush()}
        />
      );
      break;
  }

  return (
    <div class="survey-item-body" data-item-editor={base}>
      {control}
      <div class="survey-item-tools">
        <p class="survey-save" aria-live="polite" data-save-state={state}>
          <SaveLabel state={state} />
        </p>
        {editable && value !== null && item.type !== 'text' && (
          <button
            type="button"
            class="button button-small"
            onClick={() => {
              setNumberText('');
              change(null, true);
            }}
          >
            {t('survey.q.clear')}
          </button>
        )}
        {props.loadHistory && <History item={item} load={props.loadHistory} />}
      </div>
      {problem && (
        <p class="field-error" id={errorId} data-item-error={item.id} role="alert">
          {problem}
        </p>
      )}
      <details open={comment !== ''}>
        <summary>{t('survey.q.comment')}</summary>
        <textarea
          id={`${base}-comment`}
          aria-label={t('survey.q.comment')}
          value={comment}
          maxLength={4000}
          disabled={disabled || value === null}
          onInput={(e) => changeComment(e.currentTarget.value)}
          onBlur={() => void saver.current!.flush()}
        />
        {editable && value === null && <p class="hint">{t('survey.q.commentNeedsAnswer')}</p>}
      </details>
    </div>
  );
}

function SaveLabel({ state }: { state: SaveState }) {
  const { t } = useI18n();
  switch (state) {
    case 'pending':
      return <span class="muted">{t('survey.save.pending')}</span>;
    case 'saving':
      return <span class="muted">{t('survey.save.saving')}</span>;
    case 'saved':
      return <span class="survey-save-saved">✓ {t('survey.save.saved')}</span>;
    case 'error':
      return <span class="survey-save-error">{t('survey.save.error')}</span>;
    default:
      return null;
  }
}

/** Every saved version of the item, loaded when opened. */
export function History({
  item,
  load,
}: {
  item: SurveyItem;
  load: () => Promise<AnswerVersion[]>;
}) {
  const { t, locale } = useI18n();
  const [versions, setVersions] = useState<AnswerVersion[] | null>(null);
  const [error, setError] = useState<ApiError>();
  const [open, setOpen] = useState(false);
  const toggle = async () => {
    if (open) {
      setOpen(false);
      return;
    }
    setOpen(true);
    setError(undefined);
    try {
      setVersions(await load());
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
    }
  };
  return (
    <>
      <button type="button" class="button button-small" aria-expanded={open} onClick={toggle}>
        {open ? t('survey.q.hideHistory') : t('survey.q.history')}
      </button>
      {open && error && <p class="field-error survey-history">{errorText(t, error)}</p>}
      {open &&
        versions &&
        (versions.length === 0 ? (
          <p class="muted small survey-history">{t('survey.q.historyEmpty')}</p>
        ) : (
          <ol class="survey-history small" data-history={item.id}>
            {[...versions].reverse().map((v) => (
              <li key={v.version}>
                <strong>{t('survey.q.historyVersion', { version: v.version })}</strong>{' '}
                {answerText(t, locale, item, v.value)}
                {v.comment && <span class="muted"> — {v.comment}</span>}{' '}
                <span class="muted">
                  ({formatDateTime(v.changed_at, locale)}, {v.changed_by})
                </span>
              </li>
            ))}
          </ol>
        ))}
    </>
  );
}
