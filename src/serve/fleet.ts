import { Worker } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import { THROTTLED, awsError, type AwsResponse } from './protocol.js';
import type { UnitMessage, UnitWorkerInput } from './unit-worker.js';

export interface FleetOptions extends UnitWorkerInput {
  units: number;
  /** Requests that may wait for a unit when all are busy; beyond them a request is throttled. */
  queue: number;
}

const TERMINATE_WAIT_MS = 2_000;

interface Unit {
  worker: Worker;
  /** Requests sent to the unit and not yet answered: the one it serves and those waiting for it. */
  outstanding: number;
}

/**
 * N inference units behind one door. A request goes to a free unit; when all are busy it waits
 * for the unit with the shortest line if the fleet holds fewer than `queue` waiting requests, else
 * it is throttled at once. A unit serves one image at a time, so a fleet of N units has exactly N
 * in service, as the service's provisioned throughput does. A waiting request waits in its unit's
 * own message queue, so a unit starts its next image without a round trip through this thread.
 */
export class Fleet {
  private readonly pending = new Map<number, { unit: Unit; resolve: (r: AwsResponse) => void }>();
  /** Failed plausibility checks by name, as first reported. */
  private readonly found = new Map<string, string>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly unitList: Unit[],
    private readonly queueLimit: number,
  ) {}

  /** Starts every unit and resolves once all have a warmed-up session; a unit that cannot start is a UserError. */
  static async start(opts: FleetOptions, onFatal: (message: string) => void): Promise<Fleet> {
    const workerData: UnitWorkerInput = {
      model: opts.model,
      baseDir: opts.baseDir,
      threads: opts.threads,
      projectVersionArn: opts.projectVersionArn,
    };
    const units: Unit[] = [];
    const fleet = new Fleet(units, opts.queue);
    let started = false;
    const ready = Array.from({ length: opts.units }, (_, i) => {
      const worker = new Worker(new URL('./unit-worker.js', import.meta.url), { workerData });
      const unit: Unit = { worker, outstanding: 0 };
      units.push(unit);
      return new Promise<void>((resolve, reject) => {
        // One listener per event for the unit's whole life (removeAllListeners would also drop the
        // Worker's own listeners that keep its message port running).
        worker.on('message', (m: UnitMessage) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'fatal') reject(new UserError(m.message));
          else if (m.type === 'warning') fleet.onFinding(m.check, m.text);
          else fleet.onMessage(unit, m);
        });
        worker.on('error', (err) => (started ? fleet.closed || onFatal(`unit ${i + 1} failed: ${err.message}`) : reject(err)));
        worker.on('exit', (code) =>
          started
            ? fleet.closed || onFatal(`unit ${i + 1} stopped unexpectedly (exit ${code})`)
            : reject(new Error(`unit ${i + 1} exited (${code}) before it was ready`)),
        );
      });
    });
    try {
      await Promise.all(ready);
    } catch (err) {
      await fleet.close();
      throw err;
    }
    started = true;
    return fleet;
  }

  get units(): number {
    return this.unitList.length;
  }

  /** The plausibility checks the units' outputs failed, one line each (empty when all made sense). */
  get warnings(): string[] {
    return [...this.found.values()];
  }

  /** Each failed check once, whichever unit found it first: a line on stderr, where serve reports. */
  private onFinding(check: string, text: string): void {
    if (this.found.has(check)) return;
    this.found.set(check, text);
    process.stderr.write(`warning: ${text}\n`);
  }

  /** Whether a call arriving now would be served or wait, rather than be throttled. */
  canAccept(): boolean {
    if (this.closed) return false;
    const waiting = this.unitList.reduce((n, u) => n + Math.max(0, u.outstanding - 1), 0);
    return this.unitList.some((u) => u.outstanding === 0) || waiting < this.queueLimit;
  }

  /** A DetectCustomLabels body → the answer; THROTTLED when every unit is busy and the queue is full. */
  submit(body: Uint8Array): Promise<AwsResponse> {
    if (this.closed) return Promise.resolve(awsError('ServiceUnavailableException', 'the fleet is shutting down', 503));
    const shortest = this.unitList.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
    const waiting = this.unitList.reduce((n, u) => n + Math.max(0, u.outstanding - 1), 0);
    if (shortest.outstanding > 0 && waiting >= this.queueLimit) return Promise.resolve(THROTTLED());
    return new Promise((resolve) => this.dispatch(shortest, body, resolve));
  }

  private dispatch(unit: Unit, body: Uint8Array, resolve: (r: AwsResponse) => void): void {
    const id = this.nextId++;
    unit.outstanding++;
    this.pending.set(id, { unit, resolve });
    const own = body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    unit.worker.postMessage({ id, body }, own ? [body.buffer as ArrayBuffer] : []);
  }

  private onMessage(unit: Unit, m: UnitMessage): void {
    if (m.type !== 'result') return;
    const job = this.pending.get(m.id);
    if (!job) return;
    this.pending.delete(m.id);
    unit.outstanding--;
    job.resolve({ status: m.status, body: m.body, ...(m.errorType ? { errorType: m.errorType } : {}) });
  }

  /**
   * Answers what is in flight with 503, then stops every unit. A unit inside a native call may
   * take a while to stop: after TERMINATE_WAIT_MS it is let go (unref), so the process still exits.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.pending.values()) job.resolve(awsError('ServiceUnavailableException', 'the fleet is shutting down', 503));
    this.pending.clear();
    const stopped = Promise.all(this.unitList.map((u) => u.worker.terminate()));
    const waited = new Promise((resolve) => setTimeout(resolve, TERMINATE_WAIT_MS).unref());
    await Promise.race([stopped, waited]);
    for (const u of this.unitList) u.worker.unref();
  }
}
