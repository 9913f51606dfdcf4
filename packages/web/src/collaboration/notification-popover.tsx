import { Popover } from 'antd';
import type { ReactNode } from 'react';

/**
 * The bell's popover, loaded the first time the bell is clicked: antd's Popover brings the whole
 * popup machinery (rc-trigger, portals, motion), which nothing else on the task route needs.
 */
export default function NotificationPopover({
  open,
  onOpenChange,
  content,
  children,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  content: ReactNode;
  children: ReactNode;
}) {
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={onOpenChange}
      content={content}
      arrow={false}
    >
      {children}
    </Popover>
  );
}
