import { Segmented } from 'antd';
import { useLocale } from '../i18n/locale.context';
import { LOCALES, type Locale } from '../i18n/messages';

export function LanguageSwitch() {
  const { t, locale, setLocale } = useLocale();
  return (
    <Segmented<Locale>
      aria-label={t('language')}
      value={locale}
      onChange={setLocale}
      options={LOCALES.map((l) => ({ value: l, label: l === 'zh-CN' ? '中文' : 'EN' }))}
    />
  );
}
