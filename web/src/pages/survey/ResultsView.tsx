import { useI18n } from '../../context';
import {
  bandLabel,
  formatChange,
  formatScore,
  formatShare,
  isFigure,
  isSuppressed,
  localText,
} from '../../survey';
import {
  FUNCTIONS,
  reportUrl,
  THREATS,
  type Aggregate,
  type InstitutionResults,
  type ItemChange,
  type ItemShare,
  type ScoreCard,
  type LocalText,
  type Suppressed,
} from '../../surveyApi';
import {
  DistributionText,
  functionLabel,
  Heatmap,
  threatLabel,
  Withheld,
  WithheldNotes,
} from './parts';

/**
 * One institution's frozen results: own scores against the category's distribution,
 * the heatmap, missed items most peers meet, change since last year and the feedback
 * report downloads. `org` set: the regulator's drill-down (report of that institution).
 */
export function ResultsView({
  results,
  items,
  campaignId,
  org,
}: {
  results: InstitutionResults;
  items: Map<string, { text: LocalText }>;
  campaignId: string;
  org?: string;
}) {
  const { t, locale } = useI18n();
  const own = results.own;
  const itemText = (id: string) => localText(items.get(id)?.text, locale) || id;
  const score = (a: Aggregate | null | undefined) =>
    a ? formatScore(a.score, locale) : t('survey.results.noScore');
  const band = (b: { band: string } | Suppressed | undefined, brief = false) =>
    !b ? (
      t('common.none')
    ) : isSuppressed(b) ? (
      <Withheld figure={b} brief={brief} />
    ) : (
      bandLabel(t, b.band)
    );
  const change = (c: number | null | undefined) =>
    c === null || c === undefined ? (
      <span class="muted small">{t('survey.results.noChange')}</span>
    ) : (
      formatChange(c, locale)
    );
  const supervisor = results.supervisor;

  return (
    <div data-testid="survey-results">
      <h2>{t('survey.results.summary')}</h2>
      <dl class="facts" data-testid="survey-results-overall">
        <dt>{t('survey.results.score')}</dt>
        <dd>{score(own.overall)}</dd>
        <dt>{t('survey.results.percentMet')}</dt>
        <dd>
          {own.overall ? `${formatScore(own.overall.percent_met, locale)}%` : t('common.none')}
        </dd>
        <dt>{t('survey.results.maturity')}</dt>
        <dd>{own.overall ? own.overall.maturity : t('common.none')}</dd>
        <dt>{t('survey.results.band')}</dt>
        <dd>{band(results.overall_band)}</dd>
        <dt>{t('survey.results.peers')}</dt>
        <dd>
          <DistributionText figure={results.peers.overall} />
        </dd>
        <dt>{t('survey.results.change')}</dt>
        <dd>{change(results.own_overall_change)}</dd>
        {supervisor && (
          <>
            <dt>{t('survey.results.supervisor')}</dt>
            <dd>{score(supervisor.overall)}</dd>
          </>
        )}
      </dl>

      <h2>{t('survey.results.byFunction')}</h2>
      <div class="table-wrap">
        <table class="data-table" data-testid="survey-results-functions">
          <thead>
            <tr>
              <th scope="col">{t('survey.results.function')}</th>
              <th scope="col">{t('survey.results.score')}</th>
              <th scope="col">{t('survey.results.percentMet')}</th>
              <th scope="col">{t('survey.results.maturity')}</th>
              <th scope="col">{t('survey.results.peers')}</th>
              <th scope="col">{t('survey.results.band')}</th>
              <th scope="col">{t('survey.results.change')}</th>
              {supervisor && <th scope="col">{t('survey.results.supervisor')}</th>}
            </tr>
          </thead>
          <tbody>
            {FUNCTIONS.map((fn) => {
              const a = own.functions[fn];
              return (
                <tr key={fn}>
                  <th scope="row">{functionLabel(t, fn)}</th>
                  <td>{score(a)}</td>
                  <td>{a ? `${formatScore(a.percent_met, locale)}%` : t('common.none')}</td>
                  <td>{a ? a.maturity : t('common.none')}</td>
                  <td>
                    <DistributionText figure={results.peers.functions[fn]} brief />
                  </td>
                  <td>{band(results.function_bands[fn], true)}</td>
                  <td>
                    {results.own_function_change[fn] == null
                      ? t('common.none')
                      : formatChange(results.own_function_change[fn]!, locale)}
                  </td>
                  {supervisor && <td>{score(supervisor.functions[fn])}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <WithheldNotes
        figures={FUNCTIONS.flatMap((fn) => [
          results.peers.functions[fn],
          results.function_bands[fn],
        ])}
      />

      <h2>{t('survey.results.byThreat')}</h2>
      <div class="table-wrap">
        <table class="data-table" data-testid="survey-results-threats">
          <thead>
            <tr>
              <th scope="col">{t('survey.results.threat')}</th>
              <th scope="col">{t('survey.results.score')}</th>
              <th scope="col">{t('survey.results.percentMet')}</th>
              <th scope="col">{t('survey.results.peers')}</th>
            </tr>
          </thead>
          <tbody>
            {THREATS.map((threat) => {
              const a = own.threats[threat];
              return (
                <tr key={threat}>
                  <th scope="row">{threatLabel(t, threat)}</th>
                  <td>{score(a)}</td>
                  <td>{a ? `${formatScore(a.percent_met, locale)}%` : t('common.none')}</td>
                  <td>
                    <DistributionText figure={results.peers.threats[threat]} brief />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <WithheldNotes figures={THREATS.map((threat) => results.peers.threats[threat])} />

      <h2>{t('survey.results.heatmap')}</h2>
      <OwnHeatmap own={own} results={results} />

      <h2>{t('survey.results.missed')}</h2>
      <MissedItems
        missed={results.missed_where_peers_meet}
        itemText={itemText}
        shareText={(share) => t('survey.results.peerShare', { share })}
        testId="survey-results-missed"
      />

      <h2>{t('survey.results.yoy')}</h2>
      <ChangesTable changes={results.peer_year_over_year} itemText={itemText} />

      <h2>{t('survey.results.download')}</h2>
      <p class="survey-downloads" data-testid="survey-downloads">
        {(['ja', 'en'] as const).map((lang) =>
          (['pdf', 'xlsx'] as const).map((format) => (
            <a
              key={`${lang}-${format}`}
              class="button"
              href={reportUrl(campaignId, lang, format, org)}
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
    </div>
  );
}

function OwnHeatmap({ own, results }: { own: ScoreCard; results: InstitutionResults }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Heatmap
        caption={t('survey.results.heatmapCaption')}
        testId="survey-heatmap"
        cell={(threat, fn) => {
          const mine = own.heatmap[threat]?.[fn] ?? null;
          const peer = results.peers.heatmap[threat]?.[fn];
          return {
            score: mine ? mine.score : null,
            detail: isFigure(peer)
              ? t('survey.results.peerMean', { value: formatScore(peer.value, locale) })
              : isSuppressed(peer)
                ? t('survey.results.peerMean', { value: `${t('survey.suppressed.short')}※` })
                : undefined,
          };
        }}
      />
      <WithheldNotes
        figures={THREATS.flatMap((threat) =>
          FUNCTIONS.map((fn) => results.peers.heatmap[threat]?.[fn]),
        )}
      />
    </>
  );
}

/**
 * Items left unmet, each with a share of institutions (or why it is withheld);
 * `ranked` numbers them when the order is the ranking.
 */
export function MissedItems({
  missed,
  itemText,
  shareText,
  testId,
  ranked,
}: {
  missed: ItemShare[];
  itemText: (id: string) => string;
  shareText: (share: string) => string;
  testId: string;
  ranked?: boolean;
}) {
  const { t } = useI18n();
  if (missed.length === 0) return <p class="empty">{t('survey.results.missedEmpty')}</p>;
  const List = ranked ? 'ol' : 'ul';
  return (
    <List data-testid={testId}>
      {missed.map((m) => (
        <li key={m.item_id}>
          {itemText(m.item_id)}{' '}
          <span class="small muted">
            (
            {isSuppressed(m.share) ? (
              <Withheld figure={m.share} />
            ) : (
              shareText(formatShare(m.share.value))
            )}
            )
          </span>
        </li>
      ))}
    </List>
  );
}

/** Per-item change since last year, as the category achieved it. */
export function ChangesTable({
  changes,
  itemText,
}: {
  changes: ItemChange[];
  itemText: (id: string) => string;
}) {
  const { t, locale } = useI18n();
  if (changes.length === 0) return <p class="empty">{t('survey.results.yoyEmpty')}</p>;
  const share = (f: ItemChange['current']) =>
    isSuppressed(f) ? <Withheld figure={f} /> : formatShare(f.value);
  return (
    <div class="table-wrap">
      <table class="data-table" data-testid="survey-yoy">
        <thead>
          <tr>
            <th scope="col">{t('survey.results.item')}</th>
            <th scope="col">{t('survey.results.previous')}</th>
            <th scope="col">{t('survey.results.current')}</th>
            <th scope="col">{t('survey.results.change')}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.item_id}>
              <th scope="row">{itemText(c.item_id)}</th>
              <td>{share(c.previous)}</td>
              <td>{share(c.current)}</td>
              <td>{c.change === null ? t('common.none') : formatChange(c.change * 100, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
