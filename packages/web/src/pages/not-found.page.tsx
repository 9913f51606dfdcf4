import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useLocale } from '../i18n/locale.context';

export default function NotFoundPage() {
  const { t } = useLocale();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('notFoundTitle')}
      extra={
        <Link to="/">
          <Button type="primary">{t('notFoundBack')}</Button>
        </Link>
      }
    />
  );
}
