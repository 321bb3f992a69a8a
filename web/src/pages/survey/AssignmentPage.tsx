import { ApiError } from '../../api';
import { canRateSurvey } from '../../access';
import { useAsync } from '../../components/async';
import { useI18n, useSession } from '../../context';
import { formatDateTime, sectorLabel } from '../../labels';
import type { PageProps } from '../../routes';
import { answerText, formatJapanTime, isScoredType, itemIndex, localText } from '../../survey';
import {
  surveyApi,
  type EvidenceFile,
  type InstitutionResults,
  type Questionnaire,
} from '../../surveyApi';
import { EvidenceFiles } from './Files';
import { History, ItemEditor } from './ItemEditor';
import { AssignmentStatusBadge, BackToCampaign, LoadFailure, Progress } from './parts';
import { ResultsError } from './ResultsPage';
import { RemediationSection } from './RemediationSection';
import { ResultsView } from './ResultsView';

interface Loaded {
  q: Questionnaire;
  evidence: Map<string, EvidenceFile[]>;
  results?: InstitutionResults;
  resultsError?: ApiError;
}

/**
 * The regulator's drill-down to one institution: its answers with the supervisor's own
 * rating beside each, and its results once the campaign is closed. Anyone the server
 * does not let see the institution gets "not found" and nothing else.
 */
export function AssignmentPage({ params }: PageProps) {
  const { t, locale } = useI18n();
  const { session, sectors } = useSession();
  const { id: campaignId, org } = params;
  const loaded = useAsync<Loaded>(async () => {
    const [q, files] = await Promise.all([
      surveyApi.questionnaireOf(campaignId, org),
      surveyApi.evidenceOf(campaignId, org),
    ]);
    const evidence = new Map<string, EvidenceFile[]>();
    for (const file of files.items) {
      evidence.set(file.item_id, [...(evidence.get(file.item_id) ?? []), file]);
    }
    if (q.campaign.status !== 'closed') return { q, evidence };
    try {
      return { q, evidence, results: await surveyApi.resultsOf(campaignId, org) };
    } catch (err) {
      return { q, evidence, resultsError: err instanceof ApiError ? err : undefined };
    }
  }, [campaignId, org]);

  const back = <BackToCampaign campaignId={campaignId} />;
  if (loaded.error) {
    return (
      <LoadFailure
        error={loaded.error}
        notFound={t('survey.drill.notFound')}
        testId="survey-not-found"
      />
    );
  }
  if (!loaded.data) return <p class="muted">{t('app.loading')}</p>;
  const { q, evidence, results, resultsError } = loaded.data;
  const a = q.assignment;
  const rate = canRateSurvey(session.user) && q.campaign.status === 'open';

  return (
    <section>
      {back}
      <div class="page-head">
        <h1>{localText(a.org_name, locale)}</h1>
        <AssignmentStatusBadge status={a.status} />
      </div>
      <dl class="facts">
        <dt>{t('survey.campaign')}</dt>
        <dd>{localText(q.campaign.title, locale)}</dd>
        <dt>{t('survey.campaign.category')}</dt>
        <dd>{sectorLabel(t, locale, sectors, a.category)}</dd>
        <dt>{t('survey.deadline')}</dt>
        <dd>{formatJapanTime(t, a.deadline, locale)}</dd>
        <dt>{t('survey.progress')}</dt>
        <dd>
          <Progress progress={a.progress} />
        </dd>
        {a.submission && (
          <>
            <dt>{t('survey.campaign.submittedBy')}</dt>
            <dd>
              {a.submission.executive_name}（{a.submission.executive_title}）{' '}
              {formatDateTime(a.submission.submitted_at, locale)}
            </dd>
          </>
        )}
      </dl>

      {q.campaign.status === 'closed' && (
        <>
          <h2>{t('survey.results.title')}</h2>
          {results ? (
            <>
              <ResultsView
                results={results}
                items={itemIndex(q.sections)}
                campaignId={campaignId}
                org={org}
              />
              <RemediationSection
                campaignId={campaignId}
                orgId={org}
                results={results}
                items={itemIndex(q.sections)}
                editable={false}
              />
            </>
          ) : (
            resultsError && <ResultsError error={resultsError} />
          )}
        </>
      )}

      <h2>{t('survey.drill.answers')}</h2>
      {q.sections.map((section) => {
        const shown = section.items.filter((item) => item.shown);
        if (shown.length === 0) return null;
        return (
          <div key={section.id}>
            <h3>
              {localText(section.title, locale)}{' '}
              <Progress progress={section.progress} label={localText(section.title, locale)} />
            </h3>
            {shown.map((item) => (
              <article class="survey-item" key={item.id} data-item={item.id}>
                <p class="survey-item-question" id={`rating-${item.id}-q`}>
                  {localText(item.text, locale)}
                </p>
                <div class="survey-compare">
                  <div>
                    <h4 class="small">{t('survey.drill.self')}</h4>
                    <p data-self-answer={item.id}>
                      {item.answer
                        ? answerText(t, locale, item, item.answer.value)
                        : t('survey.drill.noAnswer')}
                    </p>
                    {item.answer?.comment && <p class="small muted">{item.answer.comment}</p>}
                    <EvidenceFiles
                      campaignId={campaignId}
                      itemId={item.id}
                      files={evidence.get(item.id) ?? []}
                      editable={false}
                      open
                      org={org}
                      onChanged={loaded.reload}
                    />
                    <History
                      item={item}
                      load={async () =>
                        (await surveyApi.historyOf(campaignId, org, item.id)).versions
                      }
                    />
                  </div>
                  {isScoredType(item) && (
                    <div class="survey-rating">
                      <h4 class="small">{t('survey.drill.rating')}</h4>
                      {rate ? (
                        <ItemEditor
                          item={item}
                          idPrefix="rating"
                          initial={item.supervisor_rating ?? null}
                          editable
                          maturityScale={q.bank.maturity_scale}
                          save={async (body) =>
                            (await surveyApi.putRating(campaignId, org, item.id, body)).answer
                          }
                        />
                      ) : (
                        <p>
                          {item.supervisor_rating
                            ? answerText(t, locale, item, item.supervisor_rating.value)
                            : t('common.none')}
                        </p>
                      )}
                    </div>
                  )}
                </div>
              </article>
            ))}
          </div>
        );
      })}
    </section>
  );
}
