import type { Service } from './schema.js';

/**
 * Built-in on-demand prices per inference-unit hour, USD. Kept small on purpose: only
 * regions whose published price we have checked. Anything else must set
 * price_per_unit_hour in the workload, which always wins.
 */
const PRICE_TABLE = {
  source: 'AWS pricing pages for Amazon Rekognition Custom Labels and Amazon Lookout for Vision',
  // A static table goes stale: every report prints its source and this date, and
  // price_per_unit_hour overrides it.
  checkedOn: '2024-12',
  entries: {
    'rekognition-custom-labels': {
      'us-east-1': 4.0,
      'us-east-2': 4.0,
      'us-west-2': 4.0,
      'eu-west-1': 4.0,
    },
    'lookout-for-vision': {
      'us-east-1': 4.0,
      'us-east-2': 4.0,
      'us-west-2': 4.0,
      'eu-west-1': 4.0,
    },
    custom: {},
  } as Record<Service, Record<string, number>>,
};

export interface PriceQuote {
  pricePerUnitHourUsd: number;
  /** Where the figure came from: the workload, or the built-in table with its date. */
  priceSource: string;
}

export function lookUpPrice(service: Service, region: string): PriceQuote | undefined {
  const usd = PRICE_TABLE.entries[service][region];
  if (usd === undefined) return undefined;
  return { pricePerUnitHourUsd: usd, priceSource: `built-in price table (${PRICE_TABLE.source}, checked ${PRICE_TABLE.checkedOn})` };
}

export function knownRegions(service: Service): string[] {
  return Object.keys(PRICE_TABLE.entries[service]);
}
