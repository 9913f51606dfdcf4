import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, commit, redo, startHistory, undo } from '../src/designer/designer.history';

describe('undo and redo in the designer', () => {
  it('walks back and forth through the edits, and a new edit drops the redo list', () => {
    let h = startHistory('a');
    expect(canUndo(h)).toBe(false);
    h = commit(h, 'b');
    h = commit(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present).toBe('c');
    h = undo(undo(h));
    expect(h.present).toBe('a');
    expect(undo(h)).toBe(h);
    h = commit(h, 'd');
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
    expect(h.past).toEqual(['a']);
  });

  it('ignores a commit of the same state and keeps at most 200 steps', () => {
    let h = startHistory(0);
    expect(commit(h, 0)).toBe(h);
    for (let i = 1; i <= 250; i += 1) h = commit(h, i);
    expect(h.past).toHaveLength(200);
    expect(h.past[0]).toBe(50);
  });
});
