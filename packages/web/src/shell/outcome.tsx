import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import type { ReactNode } from 'react';

const ICONS = {
  success: <CheckCircleFilled style={{ color: '#52c41a' }} />,
  warning: <ExclamationCircleFilled style={{ color: '#faad14' }} />,
  error: <CloseCircleFilled style={{ color: '#ff4d4f' }} />,
};

/**
 * The end of an action (task completed, gone, not found), like antd's Result but without its
 * illustrations, which would weigh on the task-form route.
 */
export function Outcome({
  status,
  title,
  subTitle,
  extra,
  testId,
}: {
  status: keyof typeof ICONS;
  title: ReactNode;
  subTitle?: ReactNode;
  extra?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="cf-outcome" data-testid={testId} role={status === 'success' ? 'status' : 'alert'}>
      <div className="cf-outcome-icon">{ICONS[status]}</div>
      <h2 className="cf-outcome-title">{title}</h2>
      {subTitle && <p className="cf-outcome-sub">{subTitle}</p>}
      {extra && <div className="cf-outcome-extra">{extra}</div>}
    </section>
  );
}
