/** The runtime's only source of "now": timers, due dates and history use it, never `new Date()`. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
