import { createRequire } from 'node:module';
import os from 'node:os';

export interface HostInfo {
  cpuModel: string;
  cores: number;
  os: string;
  node: string;
  onnxruntime: string;
  executionProvider: string;
  sharp: string;
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** What the numbers were measured on: a TPS figure means little without the machine it came from. */
export function describeHost(): HostInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism?.() ?? (cpus.length || 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime: packageVersion('onnxruntime-node'),
    // The engine creates CPU sessions only; recorded so a result file says so.
    executionProvider: 'cpu',
    sharp: packageVersion('sharp'),
  };
}
