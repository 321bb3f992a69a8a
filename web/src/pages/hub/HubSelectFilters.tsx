import { TLP_LEVELS, type Collection } from '../../api';
import { useI18n } from '../../context';
import { OBJECT_TYPES, tlpBadge } from '../../hub';

export type HubSelectValues = {
  type: string;
  tlp: string;
  collection: string;
};

/**
 * The type, TLP and collection drop-downs the hub's search and live pages share; each
 * change is reported as the one filter that changed.
 */
export function HubSelectFilters({
  idPrefix,
  values,
  collections,
  onChange,
}: {
  idPrefix: string;
  values: HubSelectValues;
  collections: Collection[];
  onChange: (change: Partial<HubSelectValues>) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <div class="field">
        <label for={`${idPrefix}-type`}>{t('hub.type')}</label>
        <select
          id={`${idPrefix}-type`}
          value={values.type}
          onChange={(e) => onChange({ type: e.currentTarget.value })}
        >
          <option value="">{t('hub.all')}</option>
          {OBJECT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${idPrefix}-tlp`}>{t('hub.tlp')}</label>
        <select
          id={`${idPrefix}-tlp`}
          value={values.tlp}
          onChange={(e) => onChange({ tlp: e.currentTarget.value })}
        >
          <option value="">{t('hub.all')}</option>
          {TLP_LEVELS.map((level) => (
            <option key={level} value={level}>
              {tlpBadge(level).text}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${idPrefix}-collection`}>{t('hub.collection')}</label>
        <select
          id={`${idPrefix}-collection`}
          value={values.collection}
          onChange={(e) => onChange({ collection: e.currentTarget.value })}
        >
          <option value="">{t('hub.all')}</option>
          {collections
            .filter((c) => c.can_read)
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
        </select>
      </div>
    </>
  );
}
