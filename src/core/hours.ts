/** A month is 730 hours (8760 / 12), as AWS and Infracost bill it. */
export const HOURS_PER_MONTH = 730;
const HOURS_PER_WEEK = 168;

/** Hours a month the model runs on a schedule of `hoursPerDay` for `daysPerWeek`. */
export function scheduledHoursPerMonth(hoursPerDay: number, daysPerWeek: number): number {
  return (hoursPerDay * daysPerWeek * HOURS_PER_MONTH) / HOURS_PER_WEEK;
}
