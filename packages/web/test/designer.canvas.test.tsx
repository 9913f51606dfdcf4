// @vitest-environment jsdom
import { DndContext } from '@dnd-kit/core';
import { renderToString } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { FieldList } from '../src/designer/designer.canvas';
import type { DesignerState } from '../src/designer/designer.model';
import { addField, emptyState, relabel } from '../src/designer/designer.ops';
import { LocaleProvider } from '../src/i18n/locale.context';
import { LOCALES, loadMessages } from '../src/i18n/messages';

const texts = (en: string, zh: string) => ({ 'zh-CN': zh, en });

function canvasOf(state: DesignerState): Document {
  const html = renderToString(
    <LocaleProvider>
      <DndContext>
        <FieldList
          container={state.root}
          containerId="root"
          selected={null}
          onSelect={() => {}}
          onRemove={() => {}}
          issues={new Set()}
        />
      </DndContext>
    </LocaleProvider>,
  );
  return new DOMParser().parseFromString(html, 'text/html');
}

describe('the designer canvas', () => {
  // The provider renders once the strings of its language are loaded (one chunk per language).
  beforeAll(async () => {
    await Promise.all(LOCALES.map(loadMessages));
  });

  it('shows the fields of a section inside the section, once', () => {
    let state = emptyState('visit-report', texts('Visit report', '走访报告'));
    const section = addField(state, 'root', 0, 'section', texts('Household', '家庭情况'));
    state = relabel(section.state, section.id, texts('Household', '家庭情况'));
    const members = addField(state, section.id, 0, 'number', texts('Members', '家庭人数'));
    state = relabel(members.state, members.id, texts('Members', '家庭人数'));
    const after = addField(state, 'root', 1, 'text', texts('Notes', '备注'));
    state = relabel(after.state, after.id, texts('Notes', '备注'));

    const doc = canvasOf(state);
    const cards = [...doc.querySelectorAll('[data-testid^="field-"]')].map((e) =>
      e.getAttribute('data-testid'),
    );
    expect(cards).toEqual(['field-household', 'field-members', 'field-notes']);
    const household = doc.querySelector('[data-testid="field-household"]');
    expect(
      household?.querySelector(`[data-testid="zone-${section.id}"] [data-testid="field-members"]`),
    ).not.toBeNull();
  });
});
