import { ClockCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useLocale } from '../i18n/locale.context';

const DAY = 24 * 3600_000;

export function isOverdue(dueAt: string | null, now = Date.now()): boolean {
  return dueAt !== null && new Date(dueAt).getTime() < now;
}

/** A due date, red and labelled when overdue, orange within a day. */
export function DueTag({ dueAt }: { dueAt: string | null }) {
  const { t, formatDateTime } = useLocale();
  if (!dueAt) return <span>—</span>;
  const ms = new Date(dueAt).getTime() - Date.now();
  if (ms < 0)
    return (
      <Tag color="error" icon={<ExclamationCircleOutlined />} data-overdue="true">
        {t('overdue')} · {formatDateTime(dueAt)}
      </Tag>
    );
  if (ms < DAY)
    return (
      <Tag color="warning" icon={<ClockCircleOutlined />}>
        {formatDateTime(dueAt)}
      </Tag>
    );
  return <span>{formatDateTime(dueAt)}</span>;
}
