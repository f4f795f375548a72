import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A product document as the Price List API's GetProducts returns it (each item a JSON string). */
export function product(sku: string, attributes: Record<string, string>, unit: string, usd: string, description: string): string {
  return JSON.stringify({
    product: { productFamily: 'Amazon Rekognition', attributes: { servicecode: 'AmazonRekognition', ...attributes }, sku },
    serviceCode: 'AmazonRekognition',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit,
              endRange: 'Inf',
              description,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  });
}

/**
 * The Price List API's GetProducts on 127.0.0.1 (AWS JSON 1.1: POST /, X-Amz-Target
 * AWSPriceListService.GetProducts), serving `pages` one NextToken at a time, recording requests.
 */
export async function startPriceListServer(
  pages: string[][],
): Promise<{ url: string; requests: Array<{ target: string; body: Record<string, unknown> }>; close: () => Promise<void> }> {
  const requests: Array<{ target: string; body: Record<string, unknown> }> = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ target: String(req.headers['x-amz-target']), body });
      const i = body.NextToken ? Number(body.NextToken) : 0;
      const out = { FormatVersion: 'aws_v1', PriceList: pages[i] ?? [], ...(i + 1 < pages.length ? { NextToken: String(i + 1) } : {}) };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
