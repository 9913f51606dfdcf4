import { Button } from 'antd';
import { Link } from 'react-router';
import { useLocale } from '../i18n/locale.context';
import { Outcome } from '../shell/outcome';

/** What a user without dashboards.view (or .edit, for the editor) sees on a dashboard URL. */
export function NoDashboardAccess({ edit = false }: { edit?: boolean }) {
  const { t } = useLocale();
  return (
    <Outcome
      status="warning"
      testId="dashboards-forbidden"
      title={t('forbidden')}
      subTitle={t(edit ? 'dashNoEditAccess' : 'dashNoAccess')}
      extra={
        <Link to="/">
          <Button>{t('notFoundBack')}</Button>
        </Link>
      }
    />
  );
}
