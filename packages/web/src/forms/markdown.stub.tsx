import type { ReactNode } from 'react';

/**
 * Stands in for markdown-to-jsx, which @rjsf/core imports for descriptions that opt into
 * markdown. Our forms never do: descriptions are plain text from the definitions, rendered as
 * text (never as HTML), which also keeps the task-form route small. Wired in vite.config.ts.
 */
export function Markdown({ children }: { children?: ReactNode; options?: unknown }) {
  return <>{children}</>;
}

export default Markdown;
