import type { Basis, Plan } from '../../contracts/plan.js';
import { formatUsd as usd } from '../../core/money.js';
import { formatCount, formatExact, formatHours, formatPct } from '../../core/numbers.js';

/** One row of a plan view: label, value, how it was derived; `emphasis` says how a view may stress the value. */
export interface PlanRow {
  label: string;
  value: string;
  how: string;
  emphasis?: 'answer' | 'alarm';
}

const BASIS_LABEL: Record<Basis, string> = {
  simulated: 'Monthly cost, simulated',
  expected: 'Monthly cost, expected',
  max: 'Monthly cost, Max all month',
  min: 'Monthly cost, Min all month',
  batch: 'Monthly cost, batch fleet',
};

/**
 * The derivation rows the table, markdown and HTML views show under the headline, in the order
 * the answer is worked out: TPS, the peak/baseline rule, the search (traffic over time), the
 * answer, its cost on each basis, and the zone promise.
 */
export function planRows(p: Plan): PlanRow[] {
  const d = p.derivation;
  const rows: PlanRow[] = [];
  const row = (label: string, value: string, how: string, emphasis?: PlanRow['emphasis']) =>
    rows.push({ label, value, how, ...(emphasis ? { emphasis } : {}) });
  for (const c of p.classes) {
    const image = c.corpus !== undefined ? `corpus ${c.corpus}` : `${c.width}x${c.height}, ${c.sizeMb} MB, ${c.objects} obj`;
    const interval = c.uncertaintyPct > 0 ? ` (±${c.uncertaintyPct}%: ${c.uncertainty})` : '';
    row(`images[${c.index}] TPS`, formatExact(c.tps), `${image}, share ${c.share}: ${c.derivation}${interval}`);
  }
  if (d.calibration !== undefined) row('Calibration', `${p.calibration}`, d.calibration);
  row('TPS per unit', formatExact(p.tpsPerUnit), `${d.tpsPerUnit} (calibration ${p.calibration}; ${p.tpsSource})`);
  row('TPS per unit, low end', formatExact(p.tpsPerUnitLow), d.tpsPerUnitLow);
  row('Usable TPS per unit', formatExact(p.capacityPerUnitTps), d.capacityPerUnitTps);
  const rule = p.staticRule;
  row('Step: rule Min', `${rule.minInferenceUnits}`, d.minInferenceUnits + (rule.azFloorApplied ? ' (AZ floor applied)' : ''));
  row('Step: rule Max', `${rule.maxInferenceUnits}`, d.maxInferenceUnits);
  if (p.search) rows.push(...searchRows(p));
  const from = p.pairSource === 'search' ? 'the search' : 'the peak/baseline rule';
  row('MinInferenceUnits', `${p.minInferenceUnits}`, `the answer: ${from}'s Min`, 'answer');
  row('MaxInferenceUnits', `${p.maxInferenceUnits}`, `the answer: ${from}'s Max`, 'answer');
  row('Hours per month', formatHours(p.hoursPerMonth), d.hoursPerMonth);
  for (const basis of ['batch', 'simulated', 'expected', 'max', 'min'] as const) {
    const cost = p.costByBasis[basis];
    const how = d.monthlyCost[basis];
    if (cost === undefined || how === undefined) continue;
    const answer = basis === p.costBasis;
    row(BASIS_LABEL[basis], usd(cost), how + (answer ? ' (the basis the answer is quoted on)' : ''), answer ? 'answer' : undefined);
  }
  if (p.costPer1000ImagesUsd !== null && d.costPer1000Images !== undefined)
    row('Cost per 1000 images (baseline)', `$${p.costPer1000ImagesUsd.toFixed(4)}`, d.costPer1000Images);
  rows.push(zoneRow(p));
  return rows;
}

function searchRows(p: Plan): PlanRow[] {
  const s = p.search!;
  const rule = p.staticRule;
  const sim = (x: { monthlyCostUsd: number; throttledPct: number }) =>
    `simulated ${usd(x.monthlyCostUsd)}/month, ${formatPct(x.throttledPct)} throttled`;
  const rows: PlanRow[] = [];
  if (rule.simulated)
    rows.push({
      label: 'Step: rule pair simulated',
      value: `${rule.minInferenceUnits}/${rule.maxInferenceUnits}`,
      how: `${sim(rule.simulated)} on ${s.trafficSource}`,
    });
  const raised =
    s.raisedForZonePromise.min + s.raisedForZonePromise.max > 0
      ? `; raised by ${s.raisedForZonePromise.min} Min / ${s.raisedForZonePromise.max} Max to keep the zone promise`
      : '';
  rows.push({
    label: 'Step: cost-optimal search',
    value: `${s.minInferenceUnits}/${s.maxInferenceUnits}`,
    how: `${sim(s)}; lowest cost with throttled <= ${formatPct(s.maxThrottledPct)}${s.feasible ? '' : ' (NOT met: the rule pair is kept)'}${raised}; scale-up ${s.scaleUpMinutes} min assumed; ${formatCount(s.simulations)} simulations`,
  });
  if (s.feasible) {
    rows.push(
      s.monthlySavingUsd >= 0
        ? {
            label: 'Step: saving of the search',
            value: usd(s.monthlySavingUsd),
            how: 'rule pair minus searched pair, both simulated minute by minute on the same traffic',
          }
        : {
            label: 'Step: extra cost of the search',
            value: usd(-s.monthlySavingUsd),
            how: `the rule's pair throttles ${formatPct(rule.simulated?.throttledPct ?? 0)} (limit ${formatPct(s.maxThrottledPct)}); staying within it costs this much more`,
          },
    );
  }
  return rows;
}

/** The zone promise: simulated where there is traffic over time, else the units left at Max against the peak. */
function zoneRow(p: Plan): PlanRow {
  const z = p.zoneOutage;
  const lost = `${z.unitsLostWorstCase} unit(s) of ${p.maxInferenceUnits} in the worst of ${z.zones} zones`;
  const label = z.required ? 'Zone outage (promised)' : 'Zone outage (not promised)';
  const o = z.outage;
  if (o) {
    const how =
      `${o.durationMinutes / 60} h outage from ${o.start} (the busiest hour) simulated: ${formatCount(o.throttled)} of ${formatCount(o.requests)} requests throttled (${formatPct(o.throttledPct)}; ` +
      `at most ${formatPct(o.allowedPct)} = ${o.lagMinutes} of ${o.durationMinutes} min may fail while replacements start), ${formatCount(o.throttledAfterLag)} after the lag; static check: ${p.derivation.zoneOutage}; ${lost}`;
    return { label, value: z.holds ? 'survives' : 'THROTTLES', how, ...(z.holds || !z.required ? {} : { emphasis: 'alarm' as const }) };
  }
  return {
    label,
    value: z.servesPeak ? 'serves peak' : 'THROTTLES',
    how: `${p.derivation.zoneOutage}; ${lost}`,
    ...(z.servesPeak ? {} : { emphasis: 'alarm' as const }),
  };
}

export function planHeading(p: Plan): string {
  return `${p.name} — ${p.service}, ${p.region}, ${p.task}, $${p.pricePerUnitHourUsd}/unit-hour (${p.priceSource})`;
}

/** What the totals add: each workload's headline cost on its own basis. */
export function totalsBasisText(t: { bases: Partial<Record<Basis, number>> }): string {
  const parts = (['simulated', 'expected', 'max', 'min', 'batch'] as const)
    .filter((b) => (t.bases[b] ?? 0) > 0)
    .map((b) => `${t.bases[b]} ${b === 'max' ? 'at Max' : b === 'min' ? 'at Min' : b}`);
  return `the headline costs added: ${parts.join(' + ')}`;
}

/** One saving as every view shows it: what it saves and costs after, what it is, how it is worked out. */
export interface SavingLine {
  saving: string;
  title: string;
  how: string;
  commands: string[];
}

export function savingLines(p: Plan): SavingLine[] {
  return p.savings.map((s) => ({
    saving:
      s.monthlySavingUsd > 0
        ? `saves ${usd(s.monthlySavingUsd)}/month → ${usd(s.monthlyCostUsd)}`
        : `${usd(s.monthlyCostUsd)}/month as planned`,
    title: `${s.kind}: ${s.title}`,
    how: s.derivation + (s.imageSize ? `; ${s.imageSize.caveat}` : ''),
    commands: s.commands ?? [],
  }));
}

/** The answer block's savings line: the largest saving of each workload, added. */
export function savingsTotalText(plans: Plan[], where: 'above' | 'below'): string | undefined {
  const best = plans.reduce((sum, p) => sum + Math.round((p.savings[0]?.monthlySavingUsd ?? 0) * 100), 0) / 100;
  if (best <= 0) return undefined;
  return `savings available: ${usd(best)}/month, see ${where}${plans.length > 1 ? ' (the largest saving of each workload, added)' : ''}`;
}
