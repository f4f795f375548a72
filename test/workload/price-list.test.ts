import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { lookUpCachedPrice, parsePriceCache, priceCacheFrom } from '../../src/workload/price-list.js';
import { product } from '../helpers/price-list-server.js';

const inference = (sku: string, region: string, usd: string) =>
  product(
    sku,
    { regionCode: region, usagetype: `${region}-CustomLabels-InferenceHour`, operation: 'CustomLabelsInference' },
    'Hrs',
    usd,
    `$${usd} per Custom Labels inference hour`,
  );

describe('priceCacheFrom: Price List products → cached inference-hour prices', () => {
  const list = [
    inference('A1', 'us-east-1', '4.0000000000'),
    inference('A2', 'eu-west-1', '4.0000000000'),
    // Training hours, per-image API calls and products without a region are not inference hours.
    product(
      'T1',
      { regionCode: 'us-east-1', usagetype: 'USE1-CustomLabels-TrainingHour' },
      'Hrs',
      '1.0000000000',
      'Custom Labels training hour',
    ),
    product(
      'I1',
      { regionCode: 'us-east-1', usagetype: 'USE1-ImagesProcessed', group: 'DetectLabels' },
      'Images',
      '0.0010000000',
      'per image',
    ),
    product('G1', { usagetype: 'CustomLabels-InferenceHour' }, 'Hrs', '9.0000000000', 'Custom Labels inference hour'),
    // Two matches with different prices in one region: not guessed.
    inference('B1', 'ap-southeast-2', '4.0000000000'),
    inference('B2', 'ap-southeast-2', '5.0000000000'),
    'not json',
  ];
  const cache = priceCacheFrom(list, new Date('2026-11-30T12:00:00Z'));

  it('keeps one price per region where the matches agree, every matching SKU, and the ambiguous regions apart', () => {
    expect(cache.entries).toEqual({ 'rekognition-custom-labels': { 'eu-west-1': 4, 'us-east-1': 4 } });
    expect(cache.skus.map((s) => s.sku)).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(cache.ambiguous).toEqual([{ service: 'rekognition-custom-labels', region: 'ap-southeast-2', usd: [4, 5] }]);
    expect(cache.fetchedAt).toBe('2026-11-30T12:00:00.000Z');
  });

  it('is read back, dated in the price source, and refused when damaged', () => {
    const back = parsePriceCache(JSON.stringify(cache), 'prices.json');
    expect(lookUpCachedPrice(back, 'rekognition-custom-labels', 'us-east-1')).toEqual({
      pricePerUnitHourUsd: 4,
      priceSource: 'AWS Price List API, fetched 2026-11-30 (capacity-plan prices)',
    });
    expect(lookUpCachedPrice(back, 'rekognition-custom-labels', 'ap-southeast-2')).toBeUndefined();
    expect(() => parsePriceCache('{', 'prices.json')).toThrow(UserError);
    expect(() => parsePriceCache(JSON.stringify({ ...cache, schema: 'capacity-plan/prices@9' }), 'prices.json')).toThrow(
      /not a capacity-plan\/prices@1 file \(it says "capacity-plan\/prices@9"\)/,
    );
  });
});
