import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

/**
 * The HTML reports in a real browser (Debian's chromium driven by playwright-core): each page
 * loads from a file with no console error and no request but its own file, and every chart
 * drew its series (pixels of each series' colour on the chart's canvas). Screenshots go to
 * test-artifacts/ for a person to look at.
 */

const CHROMIUM = process.env.CAPACITY_PLAN_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const MB = 1_000_000;
const hasBrowser = existsSync(CHROMIUM);

if (!hasBrowser) {
  // The one skip the suite allows: say which file and how to get a browser.
  process.stderr.write(
    `skipped test/report/html-browser.test.ts: no browser at ${CHROMIUM}; install one with 'apt-get install -y chromium' (or set CAPACITY_PLAN_CHROMIUM to a Chromium binary)\n`,
  );
}

interface Spec {
  id: string;
  kind: 'timeline' | 'bars' | 'points';
  series: unknown;
}

/** A month of one-minute traffic with noise in every minute: the largest input the month chart gets. */
function writeMonthTrace(dir: string): string {
  const rows = ['timestamp,rps'];
  const start = Date.UTC(2025, 2, 3);
  let seed = 7;
  for (let m = 0; m < 43_800; m++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const daily = Math.max(0, Math.sin((Math.PI * ((m % 1440) - 360)) / 720));
    rows.push(`${new Date(start + m * 60_000).toISOString().replace('.000', '')},${(4 + 40 * daily + (seed / 2 ** 31) * 6).toFixed(2)}`);
  }
  writeFileSync(join(dir, 'month.csv'), rows.join('\n') + '\n');
  const workload = readFileSync(join(ROOT, 'examples/workloads/storefront-trace.yaml'), 'utf8')
    .replace(/^name: .*$/m, 'name: month-trace')
    .replace(/trace: \S+/, 'trace: month.csv');
  writeFileSync(join(dir, 'month.yaml'), workload);
  return join(dir, 'month.yaml');
}

describe.skipIf(!hasBrowser)('HTML reports in a real browser', () => {
  let dir: string;
  let context: BrowserContext;
  const reports: Record<string, string> = {};

  beforeAll(async () => {
    dir = tempDir();
    mkdirSync(ARTIFACTS, { recursive: true });
    const w = (f: string) => join(ROOT, 'examples/workloads', f);
    const run = (name: string, args: string[]) => {
      const out = join(dir, `${name}.html`);
      const r = runCli([...args, '--format', 'html', '--out', out], { cwd: dir });
      expect(r.stderr).toBe('');
      reports[name] = out;
    };
    const examples = [
      'parcel-labels.yaml',
      'quality-inspection.yaml',
      'shelf-audit.yaml',
      'storefront-profile.yaml',
      'storefront-trace.yaml',
    ].map(w);
    run('plan', ['plan', ...examples]);
    run('simulate-profile-outage', ['simulate', w('storefront-profile.yaml'), '--zone-outage', 'mon 09:00/2h']);
    run('simulate-month-trace', ['simulate', writeMonthTrace(dir)]);
    expect(runCli(['plan', ...examples.slice(0, 4), '--format', 'json', '--out', join(dir, 'baseline.json')]).code).toBe(0);
    run('gate', [
      'gate',
      w('shelf-audit.yaml'),
      w('storefront-profile.yaml'),
      w('storefront-trace.yaml'),
      '--baseline',
      join(dir, 'baseline.json'),
    ]);
    run('bench-report', ['report', join(ROOT, 'examples/workloads/example-bench.json')]);
    expect(
      runCli(['simulate', w('storefront-trace.yaml'), '--unit-failure', '14:30', '--format', 'json', '--out', join(dir, 'sim.json')]).code,
    ).toBe(0);
    run('simulate-report', ['report', join(dir, 'sim.json')]);

    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'capacity-plan-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1200, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
  });

  it('a month at one-minute resolution fits in 1 MB', () => {
    expect(statSync(reports['simulate-month-trace']!).size).toBeLessThanOrEqual(MB);
  });

  for (const name of ['plan', 'simulate-profile-outage', 'simulate-month-trace', 'gate', 'bench-report', 'simulate-report']) {
    it(`${name}: loads offline, no console error, every chart drew its series`, async () => {
      const file = reports[name]!;
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);

      const specs = JSON.parse((await page.locator('#chart-data').textContent()) ?? '[]') as Spec[];
      expect(specs.length).toBeGreaterThan(0);
      for (const spec of specs) {
        const colors = await seriesColors(spec);
        // Pixels close to each colour on the chart's canvas: a series that drew nothing has none.
        const counts = await page.evaluate(
          ({ id, colors }) => {
            const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
            if (!canvas) return null;
            const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
            const rgb = colors.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
            const n = rgb.map(() => 0);
            for (let p = 0; p < data.length; p += 4) {
              rgb.forEach(([r, g, b], k) => {
                if (Math.abs(data[p]! - r!) + Math.abs(data[p + 1]! - g!) + Math.abs(data[p + 2]! - b!) < 24 && data[p + 3]! > 200) n[k]!++;
              });
            }
            return n;
          },
          { id: spec.id, colors },
        );
        expect(counts, `${name} #${spec.id}: no canvas`).not.toBeNull();
        counts!.forEach((count, k) => expect(count, `${name} #${spec.id}: series ${colors[k]} drew ${count} pixels`).toBeGreaterThan(10));
      }
      await page.close();
    });
  }
});

/** The colours a chart's series are drawn in: fixed roles for the month chart, the spec's own for the others. */
async function seriesColors(spec: Spec): Promise<string[]> {
  const { COLORS } = await import('../../src/report/colors.js');
  if (spec.kind === 'timeline') return [COLORS.demand, COLORS.capacity, COLORS.units];
  return (spec.series as Array<{ color: string }>).map((s) => s.color);
}
