import type { Task } from '../api/types';

/** A task's name in the UI language: its `name@<locale>` from the flow, else its name, else its id. */
export function taskName(task: Pick<Task, 'name' | 'names' | 'elementId'>, locale: string): string {
  return task.names?.[locale] ?? task.name ?? task.elementId;
}
