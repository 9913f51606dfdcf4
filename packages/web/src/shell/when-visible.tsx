import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * Renders its children once their place has scrolled into view (and keeps them), so what sits
 * below the fold, and the code it needs, loads only when someone looks at it.
 */
export function WhenVisible({
  children,
  placeholder,
  testId,
}: {
  children: ReactNode;
  placeholder?: ReactNode;
  testId?: string;
}) {
  const anchor = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = anchor.current;
    if (seen || !el) return;
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [seen]);
  return (
    <div ref={anchor} data-testid={testId}>
      {seen ? children : (placeholder ?? <div style={{ minHeight: 48 }} />)}
    </div>
  );
}
