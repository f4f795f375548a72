import { UserError, type Problem } from '../core/errors.js';
import { parseYamlLocated, zodProblems, type LocatedDocument } from '../core/yaml.js';
import { checkImageLimits } from './limits.js';
import { lookUpCachedPrice, type PriceCache } from './price-list.js';
import { knownRegions, lookUpPrice } from './prices.js';
import { ImageClassSchema, isDescribed, WorkloadSchema, type Workload } from './schema.js';

// The two top-level keys the limit and price checks need, read on their own (defaults as in the schema).
const SERVICE = WorkloadSchema.shape.service;
const REGION = WorkloadSchema.shape.region;

/**
 * Parses and validates one workload file; every problem carries file:line:col. Service limits
 * and the price look-up run even when other keys are wrong, on whatever parts parse, so that
 * `validate` lists every problem in one go.
 */
export function parseWorkload(
  text: string,
  file: string,
  priceCache: PriceCache | null = null,
): { workload: Workload; doc: LocatedDocument } {
  const doc = parseYamlLocated(text, file);
  if (doc.data === null || doc.data === undefined) throw UserError.at(file, 'file is empty', 1, 1);
  const parsed = WorkloadSchema.safeParse(doc.data);
  const problems: Problem[] = parsed.success ? [] : zodProblems(doc, parsed.error);
  const raw = (typeof doc.data === 'object' && !Array.isArray(doc.data) ? doc.data : {}) as Record<string, unknown>;
  const service = SERVICE.safeParse(raw.service);
  const images = Array.isArray(raw.images) ? raw.images : [];
  if (service.success) {
    images.forEach((item, i) => {
      const img = ImageClassSchema.safeParse(item);
      // A corpus class has no size to check: the bench measured its real images.
      if (!img.success || !isDescribed(img.data)) return;
      for (const v of checkImageLimits(service.data, img.data)) {
        problems.push({ file, ...doc.locate(['images', i, v.key]), message: `images[${i}].${v.key}: ${v.message}` });
      }
    });
    const region = REGION.safeParse(raw.region);
    const priced = (r: string) => lookUpPrice(service.data, r) ?? (priceCache ? lookUpCachedPrice(priceCache, service.data, r) : undefined);
    if (region.success && raw.price_per_unit_hour === undefined && !priced(region.data)) {
      const regions = knownRegions(service.data);
      problems.push({
        file,
        ...doc.locate(['region']),
        message:
          `no built-in price for ${service.data} in ${region.data}` +
          (regions.length ? ` (built-in: ${regions.join(', ')})` : '') +
          '; set price_per_unit_hour',
      });
    }
  }
  if (problems.length || !parsed.success) {
    throw new UserError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0)));
  }
  return { workload: parsed.data, doc };
}
