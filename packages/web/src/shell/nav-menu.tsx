import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';
import { Link } from 'react-router';

export interface NavItem {
  key: string;
  icon: ReactNode;
  label: string;
}

export interface NavGroup {
  key: string;
  label: string;
  items: NavItem[];
}

function NavEntry({ item, selected, onNavigate }: { item: NavItem; selected: string; onNavigate(): void }) {
  const current = item.key === selected;
  return (
    <li>
      <Link
        to={item.key}
        className={`cf-nav-item${current ? ' cf-nav-item-selected' : ''}`}
        aria-current={current ? 'page' : undefined}
        onClick={onNavigate}
      >
        <span className="cf-nav-icon">{item.icon}</span>
        <span>{item.label}</span>
      </Link>
    </li>
  );
}

/**
 * The side navigation: links in antd's inline-menu look. antd's Menu (rc-menu, its overflow
 * measuring and its popups) was the heaviest part of the shell that every route loads, for a
 * list of links.
 */
export function NavMenu({
  items,
  groups,
  selected,
  onNavigate,
}: {
  items: NavItem[];
  groups: NavGroup[];
  selected: string;
  onNavigate(): void;
}) {
  return (
    <ul className="cf-nav">
      {items.map((item) => (
        <NavEntry key={item.key} item={item} selected={selected} onNavigate={onNavigate} />
      ))}
      {groups.map((group) => (
        <li key={group.key} className="cf-nav-group">
          <div className="cf-nav-group-title">{group.label}</div>
          <ul className="cf-nav">
            {group.items.map((item) => (
              <NavEntry key={item.key} item={item} selected={selected} onNavigate={onNavigate} />
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

export interface PopupMenuItem {
  key: string;
  label: ReactNode;
  icon?: ReactNode;
  danger?: boolean;
  disabled?: boolean;
}

/**
 * A small menu under a header button (role menu, arrow keys, Escape and a click outside close it),
 * in place of antd's Dropdown, which brings rc-menu along.
 */
export function PopupMenu({
  open,
  items,
  onSelect,
  onClose,
}: {
  open: boolean;
  items: PopupMenuItem[];
  onSelect(key: string): void;
  onClose(): void;
}) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const outside = (e: MouseEvent) => {
      if (!ref.current?.parentElement?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open, onClose]);
  if (!open) return null;
  const onKeyDown = (e: KeyboardEvent) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      ref.current?.parentElement?.querySelector<HTMLButtonElement>('button[aria-haspopup]')?.focus();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    }
  };
  return (
    <div className="cf-popup-menu" role="menu" ref={ref} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          role="menuitem"
          disabled={item.disabled}
          className={`cf-popup-item${item.danger ? ' cf-popup-item-danger' : ''}`}
          onClick={() => {
            onClose();
            onSelect(item.key);
          }}
        >
          {item.icon && <span className="cf-nav-icon">{item.icon}</span>}
          {item.label}
        </button>
      ))}
    </div>
  );
}
