import type { WorkloadWithTraffic } from '../workload/traffic.js';
import { MINUTES_PER_DAY } from '../workload/series.js';

/**
 * The AWS CLI commands a saving applies with. The model is model.project_version_arn, and the
 * region comes from the ARN; without one, a placeholder and the workload's region.
 */
function modelOf(w: WorkloadWithTraffic): { arn: string; region: string } {
  const arn = w.model.project_version_arn;
  return arn ? { arn, region: arn.split(':')[3]! } : { arn: '<project-version-arn>', region: w.region };
}

export function stopStartCommands(w: WorkloadWithTraffic, pair: { minUnits: number; maxUnits: number }): string[] {
  const { arn, region } = modelOf(w);
  return [
    `aws rekognition stop-project-version --region ${region} --project-version-arn ${arn}`,
    `aws rekognition start-project-version --region ${region} --project-version-arn ${arn} --min-inference-units ${pair.minUnits}` +
      (pair.maxUnits > pair.minUnits ? ` --max-inference-units ${pair.maxUnits}` : ''),
  ];
}

/** A run of the week (minutes from Monday 00:00) the model can be stopped in. */
export interface StopWindow {
  /** First stopped minute of the week. */
  stopMinute: number;
  /** Minute the start command runs: start_minutes before demand resumes. */
  startMinute: number;
  stoppedMinutes: number;
}

const CRON_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** EventBridge cron expressions, one per time of day, naming the days that time recurs on. */
function cronExpressions(minutesOfWeek: number[]): string[] {
  const byTime = new Map<number, number[]>();
  for (const m of minutesOfWeek) {
    const t = m % MINUTES_PER_DAY;
    byTime.set(t, [...(byTime.get(t) ?? []), Math.floor(m / MINUTES_PER_DAY)]);
  }
  return [...byTime.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, days]) => `cron(${t % 60} ${Math.floor(t / 60)} ? * ${dayList(days)} *)`);
}

/** MON-FRI for a run of days, else MON,WED,SAT. */
function dayList(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const run = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  return run ? `${CRON_DAYS[sorted[0]!]}-${CRON_DAYS[sorted.at(-1)!]}` : sorted.map((d) => CRON_DAYS[d]).join(',');
}

/**
 * EventBridge Scheduler schedules that call StopProjectVersion and StartProjectVersion directly
 * (its universal target for the Rekognition API), in the traffic's time zone.
 */
export function scheduleCommands(w: WorkloadWithTraffic, pair: { minUnits: number; maxUnits: number }, windows: StopWindow[]): string[] {
  const { arn, region } = modelOf(w);
  const zone = w.traffic.timezone ?? 'UTC';
  const base = (w.id ?? w.name).replace(/[^0-9A-Za-z_.-]/g, '-').slice(0, 48);
  const start = {
    ProjectVersionArn: arn,
    MinInferenceUnits: pair.minUnits,
    ...(pair.maxUnits > pair.minUnits ? { MaxInferenceUnits: pair.maxUnits } : {}),
  };
  const schedule = (name: string, cron: string, api: string, input: object) =>
    `aws scheduler create-schedule --region ${region} --name ${name} --schedule-expression "${cron}" --schedule-expression-timezone ${zone} ` +
    `--flexible-time-window Mode=OFF --target '${JSON.stringify({ Arn: `arn:aws:scheduler:::aws-sdk:rekognition:${api}`, RoleArn: '<scheduler-role-arn>', Input: JSON.stringify(input) })}'`;
  const stops = cronExpressions(windows.map((x) => x.stopMinute)).map((c, i) =>
    schedule(`${base}-stop-${i + 1}`, c, 'stopProjectVersion', { ProjectVersionArn: arn }),
  );
  const starts = cronExpressions(windows.map((x) => x.startMinute)).map((c, i) =>
    schedule(`${base}-start-${i + 1}`, c, 'startProjectVersion', start),
  );
  return [...stops, ...starts];
}
