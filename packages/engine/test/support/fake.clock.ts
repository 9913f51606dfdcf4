import type { Clock } from '../../src/index.js';

/** A clock tests move by hand; nothing sleeps. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start = '2025-03-03T09:00:00.000Z') {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceDays(days: number): void {
    this.current += days * 24 * 3600 * 1000;
  }

  advanceMs(ms: number): void {
    this.current += ms;
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}
