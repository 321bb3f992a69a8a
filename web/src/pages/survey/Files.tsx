// Files on the questionnaire: evidence attached per item (upload, list, download,
// delete until submission) and the whole questionnaire as an Excel workbook, exported
// and imported back (all rows or none, each rejected row listed).
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n } from '../../context';
import { formatDateTime } from '../../labels';
import {
  evidenceProblemText,
  formatBytes,
  workbookProblems,
  workbookReasonText,
} from '../../survey';
import { evidenceUrl, surveyApi, workbookUrl, type EvidenceFile } from '../../surveyApi';

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/** The kinds the server accepts, offered first by the file picker. */
const ACCEPT = '.pdf,.png,.jpg,.jpeg,.xlsx,.docx,.txt,.log,.csv';

/**
 * One item's evidence files. `editable`: the institution may still change its answers,
 * so it may upload and delete; otherwise the list and downloads only. `answer`: the
 * item is an evidence item, which its files answer, so they show as its answer control
 * rather than as an attachment beside it.
 */
export function EvidenceFiles({
  campaignId,
  itemId,
  files,
  editable,
  open,
  answer = false,
  onChanged,
  org,
}: {
  campaignId: string;
  itemId: string;
  /** Set in the regulator's drill-down: that institution's files, read only. */
  org?: string;
  files: EvidenceFile[];
  editable: boolean;
  open: boolean;
  answer?: boolean;
  onChanged: () => void;
}) {
  const { t, locale } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ApiError>();
  if (!editable && files.length === 0) {
    return answer ? <p class="muted small">{t('survey.evidence.none')}</p> : null;
  }

  const fail = (err: unknown) => {
    const e = asApiError(err);
    const text = evidenceProblemText(t, locale, e);
    setProblem(text ?? undefined);
    setError(text ? undefined : e);
  };

  const upload = async (chosen: FileList | null) => {
    if (!chosen || chosen.length === 0) return;
    setBusy(true);
    setProblem(undefined);
    setError(undefined);
    try {
      for (const file of Array.from(chosen)) {
        await surveyApi.uploadEvidence(campaignId, itemId, file);
      }
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
      onChanged();
    }
  };

  const remove = async (file: EvidenceFile) => {
    setBusy(true);
    setProblem(undefined);
    setError(undefined);
    try {
      await surveyApi.deleteEvidence(campaignId, itemId, file.id);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
      onChanged();
    }
  };

  const inputId = `evidence-${itemId}-file`;
  const content = (
    <>
      {files.length > 0 && (
        <ul class="survey-evidence-list">
          {files.map((file) => (
            <li key={file.id} data-evidence-file={file.filename}>
              <a href={evidenceUrl(campaignId, file, org)} download={file.filename}>
                {file.filename}
              </a>{' '}
              <span class="small muted">
                {formatBytes(file.size, locale)} · {formatDateTime(file.uploaded_at, locale)} ·{' '}
                {file.uploaded_by}
              </span>{' '}
              {editable && (
                <button
                  type="button"
                  class="button button-small"
                  disabled={busy}
                  aria-label={t('survey.evidence.deleteNamed', { name: file.filename })}
                  onClick={() => void remove(file)}
                >
                  {t('survey.evidence.delete')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <p class="inline-form">
          <label for={inputId}>{t('survey.evidence.add')}</label>
          <input
            ref={input}
            id={inputId}
            type="file"
            accept={ACCEPT}
            multiple
            disabled={busy}
            onChange={(e) => void upload(e.currentTarget.files)}
          />
          <span class="small muted">{t('survey.evidence.kinds')}</span>
        </p>
      )}
      {problem && (
        <p class="field-error" role="alert" data-evidence-error={itemId}>
          {problem}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
    </>
  );
  if (answer) {
    return (
      <div class="survey-evidence" data-evidence={itemId} data-evidence-answer={files.length}>
        {editable && <p class="hint">{t('survey.evidence.answerHint')}</p>}
        {files.length > 0 && (
          <p class="survey-save">
            <span class="survey-save-saved">✓ {t('survey.evidence.answered')}</span>
          </p>
        )}
        {content}
      </div>
    );
  }
  return (
    <details class="survey-evidence" open={open || files.length > 0} data-evidence={itemId}>
      <summary>{t('survey.evidence.title', { count: files.length })}</summary>
      {content}
    </details>
  );
}

/** "Download as Excel" in both languages and, while answers may change, "import from Excel". */
export function WorkbookPanel({
  campaignId,
  editable,
  onImported,
}: {
  campaignId: string;
  editable: boolean;
  onImported: () => void;
}) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<ApiError>();

  const importFile = async (chosen: FileList | null) => {
    const file = chosen?.[0];
    if (!file) return;
    setBusy(true);
    setDone(undefined);
    setError(undefined);
    try {
      const summary = await surveyApi.importWorkbook(campaignId, file);
      setDone(t('survey.workbook.imported', { ...summary }));
      onImported();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  // Rows the server rejected; a file it could not read at all names no row.
  const rows = error ? workbookProblems(error.details) : [];
  const problems = rows.filter((p) => p.row !== null);
  // A problem of the whole file (field "workbook"), coded like a row's.
  const fileProblem = rows.find((p) => p.row === null && p.code);
  return (
    <details class="panel" data-testid="survey-workbook">
      <summary>{t('survey.workbook.title')}</summary>
      <p class="small muted">{t('survey.workbook.hint')}</p>
      <p class="survey-downloads">
        {(['ja', 'en'] as const).map((lang) => (
          <a
            key={lang}
            class="button"
            href={workbookUrl(campaignId, lang)}
            download
            data-workbook={lang}
          >
            {t('survey.workbook.download', { lang: t(`lang.${lang}`) })}
          </a>
        ))}
      </p>
      {editable && (
        <p class="inline-form">
          <label for="survey-workbook-file">{t('survey.workbook.import')}</label>
          <input
            ref={input}
            id="survey-workbook-file"
            type="file"
            accept=".xlsx"
            disabled={busy}
            onChange={(e) => void importFile(e.currentTarget.files)}
          />
        </p>
      )}
      {done && (
        <p class="alert alert-success" role="status">
          {done}
        </p>
      )}
      {error &&
        (error.code === 'invalid_argument' ? (
          <div class="alert alert-error" role="alert" data-testid="survey-workbook-problems">
            <p>
              {problems.length > 0
                ? t('survey.workbook.rejected', { count: problems.length })
                : t('survey.workbook.unreadable', {
                    message: fileProblem ? workbookReasonText(t, fileProblem) : error.message,
                  })}
            </p>
            {problems.length > 0 && (
              <div class="table-wrap">
                <table class="data-table survey-wrap">
                  <thead>
                    <tr>
                      <th scope="col">{t('survey.workbook.sheet')}</th>
                      <th scope="col">{t('survey.workbook.row')}</th>
                      <th scope="col">{t('survey.bank.itemId')}</th>
                      <th scope="col">{t('survey.workbook.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {problems.map((p, index) => (
                      <tr key={index} data-workbook-row={p.row}>
                        <td>{p.sheet}</td>
                        <td>{p.row}</td>
                        <td>
                          <code>{p.item}</code>
                        </td>
                        <td>{workbookReasonText(t, p)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        ) : (
          <ErrorMessage error={error} />
        ))}
    </details>
  );
}
