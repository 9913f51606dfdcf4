import { DomainError } from '@collectflow/schema';

/** A compute handler got variables it cannot work with; the runtime reports serviceFailed with this code. */
export function handlerInputError(topic: string, detail: string): DomainError {
  return new DomainError('collection.handler_input', 'invalid', `${topic}: ${detail}`, {
    hint: 'Start the process with the case variables the topic reads (see SERVICE_TOPICS)',
  });
}
