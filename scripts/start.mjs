#!/usr/bin/env node
// `npm start`: build whatever is missing or out of date, then run `collectflow start`.
// tsc -b is incremental (a no-op when nothing changed); the web app is rebuilt only when its
// sources are newer than its bundle. Plain JS so that it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(label, command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(
      `collectflow: ${label} failed; run \`npm install\` first, then \`npm start\` again\n`,
    );
    process.exit(1);
  }
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const cliEntry = join(root, 'packages/cli/dist/bin.js');
if (existsSync(bin('tsc'))) run('building the server (tsc -b)', bin('tsc'), ['-b']);
else if (!existsSync(cliEntry)) {
  process.stderr.write(
    'collectflow: the server is not built and TypeScript is not installed; run `npm install`\n',
  );
  process.exit(1);
}

const web = join(root, 'packages/web');
const bundle = join(web, 'dist/index.html');
const webSources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(web, p));
const stale = !existsSync(bundle) || Math.max(...webSources.map(newestMtime)) > statSync(bundle).mtimeMs;
if (stale && existsSync(bin('vite')))
  run('building the web app (vite build)', bin('vite'), ['build', '--logLevel', 'warn'], web);

process.argv = [process.argv[0], cliEntry, 'start'];
await import(cliEntry);
