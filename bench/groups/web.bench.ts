import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ApiSession } from '../../test/browser/support/api-session.js';
import { CHROMIUM_PATH } from '../../test/browser/support/chromium.js';
import { serveApp } from '../../test/browser/support/served-app.js';
import { ADMIN_PASSWORD, setUpCallFlow, startCall } from '../../test/browser/support/web-fixtures.js';
import type { BenchGroup, Figure } from '../harness.js';

/** What the bench page (packages/web/src/bench/form-bench.tsx) exposes. */
interface BenchWindow {
  __bench: { renderMs?: number; keyMs: number[]; arm(): void; ready: boolean };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The built web app's files without the API server's Content-Security-Policy: the baseline (plain
 * rjsf with @rjsf/validator-ajv8) compiles validators with `new Function`, which that policy
 * forbids. The app's own renderer runs under the policy (see the browser tests).
 */
async function serveDist(dist: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    try {
      const body = await readFile(join(dist, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function benchPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as BenchWindow).__bench?.ready === true, undefined, {
    timeout: 60_000,
  });
  return page;
}

/** First render of the 200-field form, in a fresh page each time; the median of `runs`. */
async function renderMs(
  browser: Browser,
  base: string,
  mode: 'ours' | 'plain',
  runs: number,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await benchPage(browser, `${base}/bench.html?mode=${mode}`);
    times.push(await page.evaluate(() => (window as unknown as BenchWindow).__bench.renderMs as number));
    await page.context().close();
  }
  return median(times);
}

/** Key press to the frame showing it, typing into a text field of the 200-field form. */
async function keystrokeMs(
  browser: Browser,
  base: string,
  mode: 'ours' | 'plain',
  presses: number,
): Promise<number> {
  const page = await benchPage(browser, `${base}/bench.html?mode=${mode}`);
  await page.locator('#root_f008').click();
  const times: number[] = [];
  for (let i = 0; i < presses + 3; i++) {
    const before = await page.evaluate(() => (window as unknown as BenchWindow).__bench.keyMs.length);
    await page.evaluate(() => (window as unknown as BenchWindow).__bench.arm());
    await page.keyboard.press('a');
    await page.waitForFunction((n) => (window as unknown as BenchWindow).__bench.keyMs.length > n, before, {
      timeout: 30_000,
    });
    const ms = await page.evaluate(() => (window as unknown as BenchWindow).__bench.keyMs.at(-1) as number);
    if (i >= 3) times.push(ms); // the first presses warm the JIT up
  }
  await page.context().close();
  return median(times);
}

/** Gzipped JavaScript the browser fetches to open a task (shell, renderer, the task's form). */
async function taskRouteJsKb(browser: Browser): Promise<number> {
  const app = await serveApp({ COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
  try {
    const base = app.url.replace('localhost', '127.0.0.1');
    const world = await setUpCallFlow(base);
    const started = await startCall(world.admin, 'DC-2026-009001');
    const liaison = await ApiSession.login(base, world.liaison.username, world.liaison.password);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addCookies([{ ...liaison.sessionCookie, url: base }]);
    const page = await context.newPage();
    const bodies: Promise<number>[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script') bodies.push(res.body().then((b) => gzipSync(b).length));
    });
    await page.goto(`${base}/tasks/${started.taskIds[0]}`);
    await page.getByLabel('Debtor ID number').waitFor({ timeout: 60_000 });
    // The computed field's evaluator arrives after the first render.
    await page.getByLabel('Total').waitFor();
    await page.waitForLoadState('networkidle');
    const total = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
    await context.close();
    return total / 1024;
  } finally {
    await app.stop();
  }
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * Issue 8: ECharts rides only in the dashboards' lazy chunk. From vite's manifest, the JavaScript a
 * route loads before anything is clicked (the entry and the route's chunk with their static
 * imports); the count of those files that carry ECharts (the chart chunk, or ECharts' inner-state
 * marker in any other chunk the bundler might have split it into). The aim is 0 for each route.
 */
export async function echartsFilesOnRoute(dist: string, routeModule: string): Promise<number> {
  const manifest = JSON.parse(await readFile(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const chart = manifest['src/dashboards/dashboard.chart.tsx'];
  if (!chart)
    throw new Error('the manifest has no dashboards chart chunk (src/dashboards/dashboard.chart.tsx)');
  if (!manifest[routeModule]) throw new Error(`the manifest has no chunk for ${routeModule}`);
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const next of manifest[key].imports ?? []) walk(next);
  };
  walk('index.html');
  walk(routeModule);
  let count = 0;
  for (const key of seen) {
    const file = manifest[key]!.file;
    if (!file.endsWith('.js')) continue;
    const text = await readFile(join(dist, file), 'utf8');
    if (file === chart.file || text.includes('__ec_inner_')) count++;
  }
  return count;
}

/** Issue 6's figures: a 200-field form's first render and keystrokes, and the task route's JavaScript. */
export const webGroup: BenchGroup = {
  name: 'web',
  async run(ctx) {
    const dist = join(ctx.repoRoot, 'packages', 'web', 'dist');
    if (!existsSync(CHROMIUM_PATH) || !existsSync(join(dist, 'bench.html'))) {
      ctx.log(`skipped: needs ${CHROMIUM_PATH} and a built web app (npm run build)`);
      return [];
    }
    const { url, server } = await serveDist(dist);
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const plainRender = await renderMs(browser, url, 'plain', 5);
      const oursRender = await renderMs(browser, url, 'ours', 5);
      const plainKey = await keystrokeMs(browser, url, 'plain', 25);
      const oursKey = await keystrokeMs(browser, url, 'ours', 25);
      const taskKb = await taskRouteJsKb(browser);
      const echartsInbox = await echartsFilesOnRoute(dist, 'src/pages/inbox.page.tsx');
      const echartsTask = await echartsFilesOnRoute(dist, 'src/pages/task.page.tsx');
      const figures: Figure[] = [
        {
          id: 'web.form200_render_ms',
          value: oursRender,
          unit: 'ms',
          baseline: { id: 'rjsf.plain_antd_ajv8.form200_render_ms', value: plainRender },
          better: 'lower',
          note: 'first render of a 200-field form, median of 5 fresh pages, headless Chromium 1366x768',
        },
        {
          id: 'web.form200_keystroke_ms',
          value: oursKey,
          unit: 'ms',
          baseline: { id: 'rjsf.plain_antd_ajv8.form200_keystroke_ms', value: plainKey },
          better: 'lower',
          note: 'median of 25 key presses, keydown to the frame after the update; aim under 50 ms',
        },
        {
          id: 'web.task_route_js_gz_kb',
          value: taskKb,
          unit: 'KB',
          better: 'lower',
          note: 'gzipped JavaScript fetched to open a task form (logged in); aim under 300 KB',
        },
        {
          id: 'web.inbox_route_echarts_files',
          value: echartsInbox,
          unit: 'files',
          better: 'lower',
          note: 'files carrying ECharts among the inbox route’s static JavaScript (vite manifest); must be 0',
        },
        {
          id: 'web.task_route_echarts_files',
          value: echartsTask,
          unit: 'files',
          better: 'lower',
          note: 'files carrying ECharts among the task route’s static JavaScript (vite manifest); must be 0',
        },
      ];
      return figures;
    } finally {
      await browser.close();
      server.close();
    }
  },
};
