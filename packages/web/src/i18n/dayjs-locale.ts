import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';

/**
 * dayjs (under antd's date pickers) in the UI language. Only the pages with pickers import this,
 * so dayjs stays off the other routes; it follows <html lang>, which LocaleProvider sets.
 */
const follow = () => {
  dayjs.locale(document.documentElement.lang === 'zh-CN' ? 'zh-cn' : 'en');
};
follow();
new MutationObserver(follow).observe(document.documentElement, {
  attributes: true,
  attributeFilter: ['lang'],
});
