import { canDownloadSectorReport } from '../../access';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n, useSession } from '../../context';
import { sectorLabel } from '../../labels';
import { href, navigate } from '../../router';
import type { PageProps } from '../../routes';
import {
  bandLabel,
  formatScore,
  isDistribution,
  isFigure,
  isSuppressed,
  itemIndex,
  localText,
} from '../../survey';
import {
  FUNCTIONS,
  sectorReportUrl,
  surveyApi,
  THREATS,
  type CategoryResults,
  type Distribution,
  type Suppressed,
} from '../../surveyApi';
import { BackToCampaign, functionLabel, Heatmap, threatLabel, Withheld } from './parts';
import { ChangesTable, MissedItems } from './ResultsView';

/** The regulator's sector view of a closed campaign, one business category at a time. */
export function SectorPage({ params, query }: PageProps) {
  const { t, locale } = useI18n();
  const { session, sectors } = useSession();
  const campaignId = params.id;
  const overview = useAsync(async () => {
    const sector = await surveyApi.sector(campaignId);
    const bank = await surveyApi.bankModel(sector.campaign.bank.id);
    return { sector, items: itemIndex(bank.model.sections) };
  }, [campaignId]);
  const withResults = overview.data?.sector.categories.filter((c) => c.institutions > 0) ?? [];
  const category = query.get('category') ?? withResults[0]?.category ?? '';
  const detail = useAsync<CategoryResults | null>(
    async () => (category ? surveyApi.category(campaignId, category) : null),
    [campaignId, category],
  );
  const back = <BackToCampaign campaignId={campaignId} />;
  if (overview.error) {
    return (
      <section>
        {back}
        <h1>{t('survey.sector.title')}</h1>
        {overview.error.code === 'failed_precondition' ? (
          <p class="empty">{t('survey.sector.closedOnly')}</p>
        ) : (
          <ErrorMessage error={overview.error} />
        )}
      </section>
    );
  }
  if (!overview.data) return <p class="muted">{t('app.loading')}</p>;
  const { sector, items } = overview.data;
  const itemText = (id: string) => localText(items.get(id)?.text, locale) || id;
  const label = (code: string) => sectorLabel(t, locale, sectors, code);

  return (
    <section>
      {back}
      <h1>
        {t('survey.sector.title')} — {localText(sector.campaign.title, locale)}
      </h1>
      {canDownloadSectorReport(session.user) && (
        <>
          <h2>{t('survey.sector.report')}</h2>
          <p class="survey-downloads" data-testid="survey-sector-downloads">
            {(['ja', 'en'] as const).map((lang) =>
              (['pdf', 'xlsx'] as const).map((format) => (
                <a
                  key={`${lang}-${format}`}
                  class="button"
                  href={sectorReportUrl(campaignId, lang, format)}
                  download
                  data-report={`${format}-${lang}`}
                >
                  {t(format === 'pdf' ? 'survey.results.pdf' : 'survey.results.xlsx', {
                    lang: t(`lang.${lang}`),
                  })}
                </a>
              )),
            )}
          </p>
        </>
      )}
      <h2>{t('survey.sector.overview')}</h2>
      <div class="table-wrap">
        <table class="data-table" data-testid="survey-sector-overview">
          <thead>
            <tr>
              <th scope="col">{t('survey.sector.category')}</th>
              <th scope="col">{t('survey.sector.institutions')}</th>
              <th scope="col">{t('survey.results.peers')}</th>
            </tr>
          </thead>
          <tbody>
            {sector.categories.map((c) => (
              <tr key={c.category} aria-current={c.category === category ? 'true' : undefined}>
                <th scope="row">
                  {c.institutions > 0 ? (
                    <a
                      href={href(`/survey/${encodeURIComponent(campaignId)}/sector`, {
                        category: c.category,
                      })}
                    >
                      {label(c.category)}
                    </a>
                  ) : (
                    label(c.category)
                  )}
                </th>
                <td>{c.institutions}</td>
                <td>
                  <Quartiles figure={c.scores?.overall} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {withResults.length > 0 && (
        <div class="field">
          <label for="survey-sector-category">{t('survey.sector.choose')}</label>
          <select
            id="survey-sector-category"
            value={category}
            onChange={(e) =>
              navigate(`/survey/${encodeURIComponent(campaignId)}/sector`, {
                category: e.currentTarget.value,
              })
            }
          >
            {withResults.map((c) => (
              <option key={c.category} value={c.category}>
                {label(c.category)}
              </option>
            ))}
          </select>
        </div>
      )}
      {detail.error && <ErrorMessage error={detail.error} />}
      {detail.data === null && <p class="empty">{t('survey.sector.noResults')}</p>}
      {detail.data && (
        <CategoryView
          report={detail.data}
          campaignId={campaignId}
          title={label(detail.data.category)}
          itemText={itemText}
        />
      )}
    </section>
  );
}

function Quartiles({ figure }: { figure: Distribution | Suppressed | undefined }) {
  const { t, locale } = useI18n();
  if (!figure) return <span class="muted">{t('common.none')}</span>;
  if (isSuppressed(figure)) return <Withheld figure={figure} />;
  if (!isDistribution(figure)) return <span class="muted">{t('common.none')}</span>;
  return (
    <span>
      {t('survey.results.peerRange', {
        q1: formatScore(figure.q1, locale),
        median: formatScore(figure.median, locale),
        q3: formatScore(figure.q3, locale),
      })}
    </span>
  );
}

function CategoryView({
  report,
  campaignId,
  title,
  itemText,
}: {
  report: CategoryResults;
  campaignId: string;
  title: string;
  itemText: (id: string) => string;
}) {
  const { t, locale } = useI18n();
  const rows: { key: string; label: string; figure: Distribution | Suppressed | undefined }[] = [
    { key: 'overall', label: t('survey.results.overall'), figure: report.scores.overall },
    ...FUNCTIONS.map((fn) => ({
      key: fn,
      label: functionLabel(t, fn),
      figure: report.scores.functions[fn],
    })),
    ...THREATS.map((threat) => ({
      key: threat,
      label: threatLabel(t, threat),
      figure: report.scores.threats[threat],
    })),
  ];
  // A withheld distribution spans the three columns with its reason, said once.
  const cells = (f: Distribution | Suppressed | undefined) =>
    !f || isSuppressed(f) ? (
      <td colSpan={3}>{f ? <Withheld figure={f} /> : t('common.none')}</td>
    ) : (
      <>
        <td>{formatScore(f.q1, locale)}</td>
        <td>{formatScore(f.median, locale)}</td>
        <td>{formatScore(f.q3, locale)}</td>
      </>
    );
  return (
    <div data-testid="survey-category" data-category={report.category}>
      <h2>
        {title} ({t('survey.campaign.count', { count: report.institutions })})
      </h2>
      <h3>{t('survey.sector.distribution')}</h3>
      <div class="table-wrap">
        <table class="data-table" data-testid="survey-distribution">
          <thead>
            <tr>
              <th scope="col">
                <span class="visually-hidden">{t('survey.results.function')}</span>
              </th>
              <th scope="col">{t('survey.sector.q1')}</th>
              <th scope="col">{t('survey.sector.median')}</th>
              <th scope="col">{t('survey.sector.q3')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {cells(r.figure)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>{t('survey.results.heatmap')}</h3>
      <Heatmap
        caption={t('survey.sector.heatmapCaption')}
        testId="survey-sector-heatmap"
        cell={(threat, fn) => {
          const figure = report.scores.heatmap[threat]?.[fn];
          if (isFigure(figure)) return { score: figure.value };
          if (isSuppressed(figure)) return { score: null, detail: <Withheld figure={figure} /> };
          return { score: null };
        }}
      />

      <h3>{t('survey.sector.mostMissed')}</h3>
      <MissedItems
        missed={report.most_missed}
        itemText={itemText}
        shareText={(share) => t('survey.sector.missedShare', { share })}
        testId="survey-most-missed"
        ranked
      />

      <h3>{t('survey.results.yoy')}</h3>
      <ChangesTable changes={report.year_over_year} itemText={itemText} />

      {report.institution_bands && report.institution_bands.length > 0 && (
        <>
          <h3>{t('survey.sector.bands')}</h3>
          <div class="table-wrap">
            <table class="data-table" data-testid="survey-bands">
              <thead>
                <tr>
                  <th scope="col">{t('survey.campaign.institution')}</th>
                  <th scope="col">{t('survey.results.score')}</th>
                  <th scope="col">{t('survey.results.band')}</th>
                </tr>
              </thead>
              <tbody>
                {report.institution_bands.map((b) => (
                  <tr key={b.org_id}>
                    <th scope="row">
                      <a
                        href={href(
                          `/survey/${encodeURIComponent(campaignId)}/org/${encodeURIComponent(b.org_id)}`,
                        )}
                      >
                        {localText(b.org_name, locale)}
                      </a>
                    </th>
                    <td>{b.score ? formatScore(b.score.score, locale) : t('common.none')}</td>
                    <td>
                      {isSuppressed(b.overall) ? (
                        <Withheld figure={b.overall} />
                      ) : (
                        bandLabel(t, b.overall.band)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
