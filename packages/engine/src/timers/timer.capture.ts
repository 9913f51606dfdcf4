/**
 * A stand-in for bpmn-elements' Timers that never arms a Node timer.
 *
 * Durable timers are job rows fired by the host's scheduler, so during a step we only record
 * which timers the process wants; the step runner diffs that against the timers the snapshot
 * re-armed on resume (jobs to create and cancel), and fires a recorded timer by hand when its
 * job comes due.
 */

export interface TimerOwnerContent {
  id?: string;
  executionId?: string;
  expireAt?: Date | string;
  timerType?: string;
  timeDuration?: string;
  timeDate?: string;
  timeCycle?: string;
  repeat?: number;
}

export interface CapturedTimer {
  /** The timer event definition's execution id: stable across snapshots. */
  readonly timerId: string;
  readonly elementId: string;
  readonly owner: TimerOwnerContent;
  readonly dueAt: Date;
  fire(): void;
}

type Callback = (...args: unknown[]) => void;

export class TimerCapture {
  /** 'resume' while the snapshot's timers are being re-armed, then 'step'. */
  phase: 'resume' | 'step' = 'step';
  private readonly alive = new Map<string, CapturedTimer>();
  private readonly fromSnapshot = new Map<string, CapturedTimer>();
  private count = 0;

  constructor(private readonly now: () => Date) {
    this.setTimeout = this.setTimeout.bind(this);
    this.clearTimeout = this.clearTimeout.bind(this);
  }

  /** bpmn-engine clears these on stop and end. */
  get executing(): CapturedTimer[] {
    return [...this.alive.values()];
  }

  register(owner: unknown) {
    return {
      setTimeout: (callback: Callback, delay: number, ...args: unknown[]) =>
        this.arm(owner as TimerOwnerContent, callback, delay, args),
      clearTimeout: (ref: unknown) => this.clearTimeout(ref),
    };
  }

  setTimeout(callback: Callback, delay: number, ...args: unknown[]): CapturedTimer {
    return this.arm({}, callback, delay, args);
  }

  clearTimeout(ref: unknown): undefined {
    const timer = ref as CapturedTimer | undefined;
    if (timer && this.alive.get(timer.timerId) === timer) this.alive.delete(timer.timerId);
    return undefined;
  }

  private arm(owner: TimerOwnerContent, callback: Callback, delay: number, args: unknown[]): CapturedTimer {
    const timerId = owner.executionId ?? `anonymous_${this.count++}`;
    const alive = this.alive;
    const dueAt = owner.expireAt ? new Date(owner.expireAt) : new Date(this.now().getTime() + delay);
    const timer: CapturedTimer = {
      timerId,
      elementId: owner.id ?? 'unknown',
      owner,
      dueAt,
      fire() {
        if (alive.get(timerId) !== timer) return;
        alive.delete(timerId);
        callback(...args);
      },
    };
    alive.set(timerId, timer);
    if (this.phase === 'resume') this.fromSnapshot.set(timerId, timer);
    return timer;
  }

  find(elementId: string | undefined, timerId: string | undefined): CapturedTimer | undefined {
    if (timerId) return this.alive.get(timerId);
    for (const timer of this.alive.values()) if (timer.elementId === elementId) return timer;
    return undefined;
  }

  /** Jobs to upsert: timers new in this step, or re-armed with another due date (cycles). */
  toCreate(): CapturedTimer[] {
    return [...this.alive.values()].filter((timer) => {
      const before = this.fromSnapshot.get(timer.timerId);
      return !before || before.dueAt.getTime() !== timer.dueAt.getTime();
    });
  }

  /** Jobs to delete: timers the snapshot had that are gone (fired, or cleared). */
  toCancel(): CapturedTimer[] {
    return [...this.fromSnapshot.values()].filter((timer) => !this.alive.has(timer.timerId));
  }
}
