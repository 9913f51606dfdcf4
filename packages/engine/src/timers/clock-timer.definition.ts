import { TimerEventDefinition } from 'bpmn-elements';
import type { Clock } from '../ports/clock.port.js';
import { dueAt, parseTimer, type TimerType } from './timer.expressions.js';

interface ResolvedTimer {
  expireAt?: Date;
  repeat?: number;
  timeout?: number;
  [key: string]: unknown;
}

interface TimerExecuteMessage {
  fields: { routingKey?: string; redelivered?: boolean };
  content: Record<string, unknown>;
}

/** The parts of bpmn-elements' TimerEventDefinition we build on (it is a plain JS constructor). */
interface TimerEventDefinitionBase {
  environment: { options: { clock?: Clock } };
  parse(timerType: string, value: string): { expireAt: Date; repeat?: number; delay: number };
  _getTimers(executeMessage: TimerExecuteMessage): ResolvedTimer;
}

const Base = TimerEventDefinition as unknown as new (
  activity: unknown,
  definition: unknown,
) => TimerEventDefinitionBase;

/**
 * bpmn-elements' timer definition, but due dates come from our ISO parser and the injected
 * clock (passed to the engine as the `clock` option) instead of `new Date()`.
 */
export class ClockTimerEventDefinition extends Base {
  private now(): Date {
    return this.environment.options.clock?.now() ?? new Date();
  }

  override parse(timerType: string, value: string): { expireAt: Date; repeat?: number; delay: number } {
    if (typeof value !== 'string')
      throw new TypeError(`the ${timerType} resolved to ${String(value)}, not text`);
    const now = this.now();
    const parsed = parseTimer(timerType as TimerType, value);
    const expireAt = dueAt(parsed, now);
    return {
      expireAt,
      delay: expireAt.getTime() - now.getTime(),
      ...(parsed.repeat !== undefined && { repeat: parsed.repeat }),
    };
  }

  override _getTimers(executeMessage: TimerExecuteMessage): ResolvedTimer {
    const result = super._getTimers(executeMessage);
    if (result.expireAt) {
      result.timeout = new Date(result.expireAt).getTime() - this.now().getTime();
      // A timer restored from a snapshot fires only through its job (timerDue), never as a side
      // effect of another event: one path for every timer, and the scheduler stays the authority.
      if (executeMessage.fields.redelivered && result.timeout <= 0) result.timeout = 1;
    }
    return result;
  }
}
