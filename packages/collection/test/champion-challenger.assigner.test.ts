import { describe, expect, it } from 'vitest';
import { assignArm, type StrategyArm } from '../src/index.js';

const arms: StrategyArm[] = [
  { key: 'champion', weight: 80, parameters: { graceDays: 3 } },
  { key: 'challenger', weight: 20, parameters: { graceDays: 5 } },
];

describe('champion/challenger arms', () => {
  it('the same case and seed always land in the same arm', () => {
    const first = assignArm('DC-2025-000123', 'grace-test', arms);
    for (let i = 0; i < 5; i++) expect(assignArm('DC-2025-000123', 'grace-test', arms)).toEqual(first);
  });

  it('weights split the cases: 80/20 within two points over 10,000 cases', () => {
    let champion = 0;
    for (let i = 0; i < 10_000; i++) {
      if (assignArm(`DC-2025-${String(i).padStart(6, '0')}`, 'grace-test', arms).arm.key === 'champion')
        champion++;
    }
    expect(champion / 10_000).toBeGreaterThan(0.78);
    expect(champion / 10_000).toBeLessThan(0.82);
  });

  it('a new seed reshuffles the cases (a new experiment), about 32% move for an 80/20 split', () => {
    let moved = 0;
    for (let i = 0; i < 2000; i++) {
      const id = `C-${i}`;
      if (assignArm(id, 'test-1', arms).arm.key !== assignArm(id, 'test-2', arms).arm.key) moved++;
    }
    expect(moved).toBeGreaterThan(500);
    expect(moved).toBeLessThan(800);
  });

  it('an arm with weight 0 is paused: it gets no new cases', () => {
    const paused = [
      { key: 'a', weight: 1 },
      { key: 'b', weight: 0 },
    ];
    for (let i = 0; i < 500; i++) expect(assignArm(`C-${i}`, 's', paused).arm.key).toBe('a');
  });

  it('no arms, negative or all-zero weights are refused', () => {
    for (const bad of [
      [],
      [{ key: 'a', weight: -1 }],
      [{ key: 'a', weight: 0 }],
      [{ key: 'a', weight: Number.NaN }],
    ]) {
      expect(() => assignArm('C-1', 's', bad)).toThrow(
        expect.objectContaining({ code: 'collection.invalid_arms' }),
      );
    }
  });

  it('the point is recorded so an audit can explain the arm', () => {
    const { point, arm } = assignArm('DC-2025-000123', 'grace-test', arms);
    expect(point).toBeGreaterThanOrEqual(0);
    expect(point).toBeLessThan(1);
    expect(arm.key).toBe(point < 0.8 ? 'champion' : 'challenger');
  });
});
