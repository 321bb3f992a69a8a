import { useI18n } from '../context';
import { LOCALES } from '../i18n';

/** Two buttons, one per language; the current one is pressed. */
export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div class="segmented" role="group" aria-label={t('menu.language')}>
      {LOCALES.map((l) => (
        <button
          type="button"
          key={l}
          lang={l}
          aria-pressed={l === locale}
          onClick={() => setLocale(l)}
        >
          {t(`lang.${l}`)}
        </button>
      ))}
    </div>
  );
}
