import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DomainError } from '@collectflow/schema';
import type { ServiceTaskHandler } from './runtime.ports.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * Service handlers by name (a service task's camunda:topic). Registered in code, or loaded from
 * a plugin folder: each .js/.mjs file exports `handlers` (name → function), or a default that is
 * such an object or a function `(registry) => void`.
 */
export class ServiceHandlerRegistry {
  readonly #handlers = new Map<string, ServiceTaskHandler>();

  register(name: string, handler: ServiceTaskHandler): this {
    if (!NAME.test(name)) {
      throw new DomainError('service.bad_handler_name', 'invalid', `"${name}" is not a valid handler name`, {
        hint: 'use letters, digits, dots, dashes, underscores and colons',
      });
    }
    if (typeof handler !== 'function') {
      throw new DomainError('service.bad_handler', 'invalid', `handler "${name}" is not a function`);
    }
    if (this.#handlers.has(name)) {
      throw new DomainError('service.duplicate_handler', 'conflict', `handler "${name}" is registered twice`);
    }
    this.#handlers.set(name, handler);
    return this;
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  get(name: string): ServiceTaskHandler | undefined {
    return this.#handlers.get(name);
  }

  names(): string[] {
    return [...this.#handlers.keys()].sort();
  }

  /** Loads every plugin file in `dir` (not recursive), in name order. Returns the handler names added. */
  async loadPluginFolder(dir: string): Promise<string[]> {
    let entries: string[];
    try {
      entries = (await readdir(dir)).filter((f) => /\.(m?js)$/.test(f)).sort();
    } catch (cause) {
      throw new DomainError(
        'service.plugin_folder_unreadable',
        'unavailable',
        `cannot read plugin folder ${dir}`,
        {
          hint: 'check COLLECTFLOW_PLUGINS_DIR',
          cause,
        },
      );
    }
    const before = new Set(this.#handlers.keys());
    for (const file of entries) {
      const path = join(dir, file);
      let module: Record<string, unknown>;
      try {
        module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      } catch (cause) {
        throw new DomainError(
          'service.plugin_failed',
          'invalid',
          `plugin ${file} failed to load: ${(cause as Error).message}`,
          {
            cause,
          },
        );
      }
      const exported = module.handlers ?? module.default;
      if (typeof exported === 'function') {
        (exported as (registry: ServiceHandlerRegistry) => void)(this);
      } else if (exported && typeof exported === 'object') {
        const handlers = (exported as { handlers?: unknown }).handlers ?? exported;
        for (const [name, handler] of Object.entries(handlers as Record<string, ServiceTaskHandler>)) {
          this.register(name, handler);
        }
      } else {
        throw new DomainError('service.plugin_empty', 'invalid', `plugin ${file} exports no handlers`, {
          hint: 'export const handlers = { "letters.post": async (call) => ({ ... }) }',
        });
      }
    }
    return this.names().filter((n) => !before.has(n));
  }
}
