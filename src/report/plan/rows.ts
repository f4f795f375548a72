import { formatUsd as usd } from '../../core/money.js';
import { formatHours, formatPct, formatTps } from '../../core/numbers.js';
import type { PlanWithSearch } from '../../simulate/plan-search.js';

/** One row of a plan view: label, value, how it was derived; `emphasis` says how a view may stress the value. */
export interface PlanRow {
  label: string;
  value: string;
  how: string;
  emphasis?: 'answer' | 'alarm';
}

/** The derivation rows both table and markdown views show, under the headline. */
export function planRows(p: PlanWithSearch): PlanRow[] {
  const d = p.derivation;
  const rows: Array<[string, string, string] | PlanRow> = [];
  p.classes.forEach((c) => {
    const image = c.corpus !== undefined ? `corpus ${c.corpus}` : `${c.width}x${c.height}, ${c.sizeMb} MB, ${c.objects} obj`;
    const interval = c.uncertaintyPct > 0 ? ` (±${c.uncertaintyPct}%: ${c.uncertainty})` : '';
    rows.push([`images[${c.index}] TPS`, formatTps(c.tps), `${image}, share ${c.share}: ${c.derivation}${interval}`]);
  });
  if (d.calibration !== undefined) rows.push(['Calibration', `${p.calibration}`, d.calibration]);
  rows.push(
    ['TPS per unit', formatTps(p.tpsPerUnit), `${d.tpsPerUnit} (calibration ${p.calibration}; ${p.tpsSource})`],
    ['TPS per unit, low end', formatTps(p.tpsPerUnitLow), d.tpsPerUnitLow],
    ['Usable TPS per unit', formatTps(p.capacityPerUnitTps), d.capacityPerUnitTps],
    { label: 'MinInferenceUnits', value: `${p.minInferenceUnits}`, how: d.minInferenceUnits + (p.azFloorApplied ? ' (AZ floor applied)' : ''), emphasis: 'answer' },
    { label: 'MaxInferenceUnits', value: `${p.maxInferenceUnits}`, how: d.maxInferenceUnits, emphasis: 'answer' },
    ['Hours per month', formatHours(p.hoursPerMonth), d.hoursPerMonth],
    ['Inference hours/month (Min)', formatHours(p.inferenceHoursPerMonth.min), d.inferenceHoursMin],
    ['Inference hours/month (Max)', formatHours(p.inferenceHoursPerMonth.max), d.inferenceHoursMax],
  );
  if (p.inferenceHoursPerMonth.expected !== undefined && d.inferenceHoursExpected !== undefined) rows.push(['Inference hours/month (expected)', formatHours(p.inferenceHoursPerMonth.expected), d.inferenceHoursExpected]);
  rows.push(['Monthly cost (Min)', usd(p.monthlyCostUsd.min), d.monthlyCostMin], ['Monthly cost (Max)', usd(p.monthlyCostUsd.max), d.monthlyCostMax]);
  if (p.monthlyCostUsd.expected !== undefined && d.monthlyCostExpected !== undefined) rows.push(['Monthly cost (expected)', usd(p.monthlyCostUsd.expected), d.monthlyCostExpected]);
  if (p.costPer1000ImagesUsd !== null && d.costPer1000Images !== undefined) rows.push(['Cost per 1000 images (baseline)', `$${p.costPer1000ImagesUsd.toFixed(4)}`, d.costPer1000Images]);
  rows.push({
    label: 'Zone outage at Max',
    value: p.zoneOutage.servesPeak ? 'serves peak' : 'THROTTLES',
    how: `${d.zoneOutage}; ${p.zoneOutage.unitsLostWorstCase} unit(s) lost of ${p.maxInferenceUnits} over ${p.zoneOutage.zones} zones`,
    ...(p.zoneOutage.servesPeak ? {} : { emphasis: 'alarm' as const }),
  });
  const ts = p.timeSearch;
  if (ts) {
    const pair = (x: { minInferenceUnits: number; maxInferenceUnits: number }) => `${x.minInferenceUnits}/${x.maxInferenceUnits}`;
    const sim = (x: { monthlyCostUsd: number; throttledPct: number }) => `simulated ${usd(x.monthlyCostUsd)}/month, ${formatPct(x.throttledPct)} throttled`;
    const zone = ts.zoneOutage.required ? (ts.zoneOutage.possible ? `; Max at least ${ts.zoneOutage.maxFloorUnits} to survive a zone outage at peak` : '; no pair survives a zone outage (zones: 1)') : '';
    rows.push(
      ['Min/Max, peak/baseline rule', pair(ts.static), `${sim(ts.static)} on ${ts.trafficSource}`],
      [
        'Min/Max, cost-optimal search',
        pair(ts.searched),
        `${sim(ts.searched)}; lowest cost with throttled <= ${formatPct(ts.maxThrottledPct)}${ts.searched.feasible ? '' : ' (NOT met: least throttling shown)'}${zone}; scale-up ${ts.scaleUpMinutes} min assumed`,
      ],
      ts.monthlySavingUsd >= 0
        ? ['Saving/month from the search', usd(ts.monthlySavingUsd), 'rule minus search, both simulated minute by minute on the same traffic']
        : [
            'Extra cost/month of the search',
            usd(-ts.monthlySavingUsd),
            `the rule's pair throttles ${formatPct(ts.static.throttledPct)} (limit ${formatPct(ts.maxThrottledPct)}); the search pays this much more to stay within it`,
          ],
    );
  }
  return rows.map((r) => (Array.isArray(r) ? { label: r[0], value: r[1], how: r[2] } : r));
}

export function planHeading(p: PlanWithSearch): string {
  return `${p.name} — ${p.service}, ${p.region}, ${p.task}, $${p.pricePerUnitHourUsd}/unit-hour (${p.priceSource})`;
}
