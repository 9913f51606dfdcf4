import { Drawer } from 'antd';
import type { ReactNode } from 'react';

export default function NavDrawer({
  open,
  onClose,
  title,
  children,
}: {
  open: boolean;
  onClose(): void;
  title: string;
  children: ReactNode;
}) {
  return (
    <Drawer open={open} onClose={onClose} placement="left" size={260} title={title}>
      <nav>{children}</nav>
    </Drawer>
  );
}
