#!/usr/bin/env node
// The load generator alone: `capacity-plan loadtest` (the real AWS SDK client, open loop) against a
// trivial endpoint on loopback that answers every DetectCustomLabels at once, in its own process.
// Offered 500 → 8000 TPS, doubling; where achieved TPS falls below offered, the client is the
// limit. Target: ≥ 2,000 requests/s achieved, so the client never limits what a load test measures.
// `npm run build && node benchmarks/loadtest-generator.mjs`; writes benchmarks/results/loadtest-generator.json.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { printTable, requireBuild, runCli, tempDir, writeResult } from './lib.mjs';

requireBuild();
const dir = tempDir();
await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
  .jpeg()
  .toFile(join(dir, 'img.jpg'));
const imageKb = readFileSync(join(dir, 'img.jpg')).length / 1024;

const TRIVIAL = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const t = String(req.headers['x-amz-target'] || '');
    const body = t.endsWith('.DescribeProjects') ? '{"ProjectDescriptions":[{"ProjectArn":"arn:aws:rekognition:us-east-1:000000000000:project/p/1"}]}'
      : t.endsWith('.DescribeProjectVersions') ? '{"ProjectVersionDescriptions":[{"Status":"RUNNING","MinInferenceUnits":1,"MaxInferenceUnits":1}]}'
      : '{"CustomLabels":[]}';
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
s.keepAliveTimeout = 30000;
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));
`;
const server = spawn(process.execPath, ['-e', TRIVIAL], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => server.stdout.once('data', (c) => resolve(c.toString().trim())));
const out = join(dir, 'lt.json');
try {
  runCli([
    'loadtest',
    '--endpoint',
    url,
    '--images',
    dir,
    '--start',
    '500',
    '--max-load',
    '8000',
    '--step-s',
    '3',
    '--warmup-s',
    '0.5',
    '--format',
    'json',
    '--out',
    out,
  ]);
} finally {
  server.kill('SIGTERM');
}
const result = JSON.parse(readFileSync(out, 'utf8'));
const rows = result.steps.map((s) => [
  s.offeredTps,
  s.achievedTps.toFixed(0),
  `${((s.achievedTps / s.offeredTps) * 100).toFixed(1)}%`,
  s.otherErrors,
  s.notSent,
  s.lateSends,
  s.latencyMs ? s.latencyMs.p50.toFixed(2) : '—',
  s.latencyMs ? s.latencyMs.p99.toFixed(1) : '—',
]);
printTable(['offered TPS', 'achieved TPS', 'achieved/offered', 'errors', 'not sent', 'late sends', 'p50 ms', 'p99 ms'], rows);
// The client keeps up at a rate when it achieves ≥ 98% of it with no errors and nothing held back.
const kept = result.steps.filter(
  (s) => s.achievedTps >= 0.98 * s.offeredTps && s.otherErrors === 0 && s.notSent === 0 && s.lateSends <= 0.05 * s.sent,
);
const maxKeptTps = kept.length ? Math.max(...kept.map((s) => s.offeredTps)) : 0;
const bestAchievedTps = Math.max(...result.steps.map((s) => s.achievedTps));
console.log(
  `\nclient keeps up to ${maxKeptTps} TPS offered; most achieved ${bestAchievedTps.toFixed(0)} TPS (${imageKb.toFixed(1)} KB image; target ≥ 2000)`,
);
writeResult('loadtest-generator', {
  imageKb,
  maxKeptTps,
  bestAchievedTps,
  targetTps: 2000,
  pass: bestAchievedTps >= 2000,
  steps: result.steps,
});
