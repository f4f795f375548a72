import { formatUsd as usd } from '../../core/money.js';
import type { Plan } from '../../plan/plan.js';
import type { TimeSearch } from '../../simulate/time-search.js';

/** The rows both table and markdown views show: label, value, how it was derived. */
export function planRows(p: Plan & { timeSearch?: TimeSearch }): Array<[string, string, string]> {
  const d = p.derivation;
  const rows: Array<[string, string, string]> = [];
  p.classes.forEach((c) => {
    rows.push([`images[${c.index}] TPS`, `${c.tps}`, `${c.width}x${c.height}, ${c.sizeMb} MB, ${c.objects} obj, share ${c.share}: ${c.derivation}`]);
  });
  rows.push(
    ['TPS per unit', `${p.tpsPerUnit}`, `${d.tpsPerUnit} (calibration ${p.calibration}; ${p.tpsSource})`],
    ['Usable TPS per unit', `${p.capacityPerUnitTps}`, d.capacityPerUnitTps!],
    ['MinInferenceUnits', `${p.minInferenceUnits}`, d.minInferenceUnits! + (p.azFloorApplied ? ' (AZ floor applied)' : '')],
    ['MaxInferenceUnits', `${p.maxInferenceUnits}`, d.maxInferenceUnits!],
    ['Hours per month', `${p.hoursPerMonth}`, d.hoursPerMonth!],
    ['Inference hours/month (Min)', `${p.inferenceHoursPerMonth.min}`, d.inferenceHoursMin!],
    ['Inference hours/month (Max)', `${p.inferenceHoursPerMonth.max}`, d.inferenceHoursMax!],
  );
  if (p.inferenceHoursPerMonth.expected !== undefined) rows.push(['Inference hours/month (expected)', `${p.inferenceHoursPerMonth.expected}`, d.inferenceHoursExpected!]);
  rows.push(['Monthly cost (Min)', usd(p.monthlyCostUsd.min), d.monthlyCostMin!], ['Monthly cost (Max)', usd(p.monthlyCostUsd.max), d.monthlyCostMax!]);
  if (p.monthlyCostUsd.expected !== undefined) rows.push(['Monthly cost (expected)', usd(p.monthlyCostUsd.expected), d.monthlyCostExpected!]);
  if (p.costPer1000ImagesUsd !== null) rows.push(['Cost per 1000 images (baseline)', `$${p.costPer1000ImagesUsd.toFixed(4)}`, d.costPer1000Images!]);
  rows.push([
    'Zone outage at Max',
    p.zoneOutage.servesPeak ? 'serves peak' : 'THROTTLES',
    `${d.zoneOutage}; ${p.zoneOutage.unitsLostWorstCase} unit(s) lost of ${p.maxInferenceUnits} over ${p.zoneOutage.zones} zones`,
  ]);
  const ts = p.timeSearch;
  if (ts) {
    const pair = (x: { minInferenceUnits: number; maxInferenceUnits: number }) => `${x.minInferenceUnits}/${x.maxInferenceUnits}`;
    const sim = (x: { monthlyCostUsd: number; throttledPct: number }) => `simulated ${usd(x.monthlyCostUsd)}/month, ${x.throttledPct}% throttled`;
    rows.push(
      ['Min/Max, peak/baseline rule', pair(ts.static), `${sim(ts.static)} on ${ts.trafficSource}`],
      [
        'Min/Max, cost-optimal search',
        pair(ts.searched),
        `${sim(ts.searched)}; lowest cost with throttled <= ${ts.maxThrottledPct}%${ts.searched.feasible ? '' : ' (NOT met: least throttling shown)'}; scale-up ${ts.scaleUpMinutes} min assumed`,
      ],
      ts.monthlySavingUsd >= 0
        ? ['Saving/month from the search', usd(ts.monthlySavingUsd), 'rule minus search, both simulated minute by minute on the same traffic']
        : [
            'Extra cost/month of the search',
            usd(-ts.monthlySavingUsd),
            `the rule's pair throttles ${ts.static.throttledPct}% (limit ${ts.maxThrottledPct}%); the search pays this much more to stay within it`,
          ],
    );
  }
  return rows;
}

export function planHeading(p: Plan): string {
  return `${p.name} — ${p.service}, ${p.region}, ${p.task}, $${p.pricePerUnitHourUsd}/unit-hour (${p.priceSource})`;
}
