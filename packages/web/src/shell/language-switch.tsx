import { useLocale } from '../i18n/locale.context';
import { LOCALES } from '../i18n/messages';

/**
 * 中文 | EN, as two radios in the look of antd's Segmented (app.css, .cf-lang), which would bring
 * its own motion code onto every route for two options.
 */
export function LanguageSwitch() {
  const { t, locale, setLocale } = useLocale();
  return (
    <fieldset className="cf-lang" aria-label={t('language')}>
      {LOCALES.map((l) => (
        <label key={l} className={`cf-lang-item${l === locale ? ' cf-lang-item-selected' : ''}`}>
          <input
            className="cf-lang-input"
            type="radio"
            name="cf-language"
            value={l}
            checked={l === locale}
            onChange={() => setLocale(l)}
          />
          <span title={l === 'zh-CN' ? '中文' : 'EN'}>{l === 'zh-CN' ? '中文' : 'EN'}</span>
        </label>
      ))}
    </fieldset>
  );
}
