import { ApiError } from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { canAnswerSurvey } from '../../access';
import { useI18n, useSession } from '../../context';
import type { PageProps } from '../../routes';
import { itemIndex, localText } from '../../survey';
import { surveyApi } from '../../surveyApi';
import { BackToList } from './parts';
import { RemediationSection } from './RemediationSection';
import { ResultsView } from './ResultsView';

/** The caller's own results of a closed campaign. */
export function ResultsPage({ params }: PageProps) {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const campaignId = params.id;
  const loaded = useAsync(async () => {
    const [results, questionnaire] = await Promise.all([
      surveyApi.myResults(campaignId),
      surveyApi.my(campaignId),
    ]);
    return { results, questionnaire };
  }, [campaignId]);
  return (
    <section>
      <BackToList />
      <h1>
        {loaded.data
          ? `${localText(loaded.data.questionnaire.campaign.title, locale)} — ${t('survey.results.title')}`
          : t('survey.results.title')}
      </h1>
      {loaded.error && <ResultsError error={loaded.error} />}
      {loaded.data && (
        <>
          <ResultsView
            results={loaded.data.results}
            items={itemIndex(loaded.data.questionnaire.sections)}
            campaignId={campaignId}
          />
          <RemediationSection
            campaignId={campaignId}
            orgId={loaded.data.results.org_id}
            results={loaded.data.results}
            items={itemIndex(loaded.data.questionnaire.sections)}
            editable={canAnswerSurvey(session.user)}
          />
        </>
      )}
      {loaded.loading && !loaded.data && <p class="muted">{t('app.loading')}</p>}
    </section>
  );
}

/** Results that do not exist yet or at all say why, in the UI language. */
export function ResultsError({ error }: { error: ApiError }) {
  const { t } = useI18n();
  if (error.code === 'failed_precondition')
    return <p class="empty">{t('survey.results.openYet')}</p>;
  if (error.code === 'not_found') {
    return (
      <p class="alert alert-error" role="alert">
        {t('survey.results.notSubmitted')}
      </p>
    );
  }
  return <ErrorMessage error={error} />;
}
