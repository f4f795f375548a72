import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { readFileSync, readlinkSync } from 'node:fs';
import { forTerminal, truncate } from './core/escape.js';
import { EXIT, EXIT_MEANINGS, UserError, type ExitCode } from './core/errors.js';
import type { PlanOptions } from './commands/plan.js';
import type { SimulateOptions } from './commands/simulate.js';
import type { ValidateOptions } from './commands/validate.js';
import type { CloudWatchQueryOptions } from './commands/cloudwatch-query.js';
import type { PricesOptions } from './commands/prices.js';
import type { InitOptions } from './commands/init.js';
import type { GateOptions } from './commands/gate.js';
import type { ReportOptions } from './commands/report.js';
import type { BenchOptions } from './commands/bench.js';
import type { InspectOptions } from './commands/inspect.js';
import type { DemoOptions } from './commands/demo.js';
import type { ServeOptions } from './commands/serve.js';
import type { LoadtestOptions } from './commands/loadtest.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const { ok, checkFailed, invalidInput, internal, interrupted } = EXIT;

/** The exit codes each command can return (a test checks every help text lists them); the top level lists all of them. */
export const COMMAND_EXIT_CODES: Record<string, ExitCode[]> = {
  plan: [ok, invalidInput, internal],
  simulate: [ok, invalidInput, internal],
  validate: [ok, invalidInput, internal],
  init: [ok, invalidInput, internal],
  gate: [ok, checkFailed, invalidInput, internal],
  bench: [ok, invalidInput, internal, interrupted],
  demo: [ok, invalidInput, internal, interrupted],
  'cloudwatch-query': [ok, invalidInput, internal],
  prices: [ok, invalidInput, internal],
  report: [ok, invalidInput, internal],
  serve: [ok, invalidInput, internal],
  loadtest: [ok, checkFailed, invalidInput, internal, interrupted],
  inspect: [ok, checkFailed, invalidInput, internal],
};

const exitCodesHelp = (codes: readonly ExitCode[]) =>
  `\nExit codes:\n${codes.map((c) => `  ${String(c).padEnd(3)}  ${EXIT_MEANINGS[c]}`).join('\n')}`;

const outOption = () => new Option('-o, --out <file>', 'write to a file (atomically) instead of stdout');

const allowPathOption = () =>
  new Option(
    '--allow-path <dir...>',
    "also read files named in input files (trace, bench file, suite model, images_dir) from this folder; by default only the naming file's folder and the working directory",
  );

const formatOption = (choices: string[], dflt = 'table') =>
  new Option('-f, --format <format>', 'output format').choices(choices).default(dflt);

/**
 * Before loading a command that runs models: its modules import onnxruntime-node and sharp,
 * optional peer dependencies, as they load, before any code of theirs could check for them, so
 * the check cannot live inside the command's own modules.
 */
async function measurementStackFor(command: string, also: string[] = []): Promise<void> {
  const { MEASUREMENT_STACK, requireOptionalPackages } = await import('./core/optional-packages.js');
  requireOptionalPackages(command, [...MEASUREMENT_STACK, ...also]);
}

/** Commander wiring only: flags → a command function. Heavy modules load lazily so `plan` starts fast. */
function buildProgram(setExit: (code: ExitCode) => void): Command {
  const program = new Command();
  program
    .name('capacity-plan')
    .description('How many inference units does my vision model need, and what will they cost?')
    .version(version)
    // Root options only before the command name, so `cloudwatch-query --version V` reaches the command.
    .enablePositionalOptions()
    .addHelpText('after', exitCodesHelp(Object.values(EXIT)))
    .showHelpAfterError(false)
    // Usage errors read like every other error: one line after 'capacity-plan: ', not commander's
    // 'error: ' with a '(Did you mean …?)' line under it. Exit codes stay with main() (exitOverride).
    // Set before the subcommands are added: they copy this configuration when created.
    .configureOutput({
      outputError: (str, write) =>
        write(
          `capacity-plan: ${forTerminal(
            truncate(
              str
                .replace(/^error: /, '')
                .trim()
                .replace(/\s*\n\s*/g, ' '),
              400,
            ),
          )}\n`,
        ),
    })
    .exitOverride();

  program
    .command('plan')
    .description('recommend Min/MaxInferenceUnits, inference hours and cost for workload files')
    .argument('<workload...>', 'workload YAML files')
    .addOption(formatOption(['table', 'json', 'markdown', 'html']))
    .addOption(outOption())
    .addOption(allowPathOption())
    .action(async (files: string[], opts: PlanOptions) => {
      const { planCommand } = await import('./commands/plan.js');
      setExit(await planCommand(files, opts));
    });

  program
    .command('simulate')
    .description("simulate autoscaling minute by minute over the workload's traffic profile or trace")
    .argument('<workload>', 'workload YAML file with traffic.profile or traffic.trace')
    .option('--min <units>', 'MinInferenceUnits (default: the static plan)')
    .option('--max <units>', 'MaxInferenceUnits (default: the static plan)')
    .option('--zone-outage <start/duration>', "lose the worst zone, e.g. 'mon 09:00/2h', 09:00/90m or 540/120 (minutes)")
    .option('--unit-failure <start>', "one unit fails at START ('wed 14:30', 14:30 or a minute offset) until a replacement serves")
    .option(
      '--backtest',
      'replay traffic.cloudwatch with the recorded Min/Max and compare units and throttling with what CloudWatch recorded',
    )
    .addOption(formatOption(['table', 'json', 'markdown', 'html']))
    .addOption(outOption())
    .addOption(allowPathOption())
    .action(async (file: string, opts: SimulateOptions) => {
      const { simulateCommand } = await import('./commands/simulate.js');
      setExit(await simulateCommand(file, opts));
    });

  program
    .command('validate')
    .description('check workload files and print every problem as file:line:col')
    .argument('<workload...>', 'workload YAML files')
    .addOption(formatOption(['table', 'json', 'github']))
    .addOption(allowPathOption())
    .action(async (files: string[], opts: ValidateOptions) => {
      const { validateCommand } = await import('./commands/validate.js');
      setExit(await validateCommand(files, opts));
    });

  program
    .command('cloudwatch-query')
    .description(
      "print the CloudWatch query and the 'aws cloudwatch get-metric-data' command that record a model's traffic for traffic.cloudwatch",
    )
    .requiredOption('--project <name>', 'Rekognition Custom Labels project name (dimension ProjectName)')
    .requiredOption('--version <name>', 'model version name (dimension VersionName)')
    .option(
      '--days <n>',
      'how many days back (1-455; the period follows CloudWatch retention: 60 s up to 15 days, 300 s up to 63, else 3600 s)',
      '14',
    )
    .option('--region <region>', "AWS region of the model (default: the AWS CLI profile's)")
    .option('--end <time>', 'end of the window, ISO 8601 (default: now, rounded down to the period)')
    .addOption(formatOption(['table', 'json']))
    .option('-o, --out <file>', 'write the query JSON to this file (atomically); the printed command reads it')
    .action(async (opts: CloudWatchQueryOptions) => {
      const { cloudwatchQueryCommand } = await import('./commands/cloudwatch-query.js');
      setExit(await cloudwatchQueryCommand(opts));
    });

  program
    .command('prices')
    .description(
      'fetch the inference-hour price of every region from the AWS Price List API into a dated cache that plan prefers over the built-in table',
    )
    .option('-o, --out <file>', 'where to write the cache (default: $CAPACITY_PLAN_PRICE_CACHE, else ~/.cache/capacity-plan/prices.json)')
    .option('--api-region <region>', 'region of the Price List API endpoint', 'us-east-1')
    .option('--endpoint-url <url>', 'another endpoint for the Price List API (a proxy or a test server)')
    .option('--timeout-s <seconds>', 'the whole fetch, every page, ends by then', '120')
    .addOption(formatOption(['table', 'json']))
    .action(async (opts: PricesOptions) => {
      const { pricesCommand } = await import('./commands/prices.js');
      setExit(await pricesCommand(opts));
    });

  program
    .command('init')
    .description('write a commented starter workload file')
    .argument('[file]', 'where to write it', 'workload.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string, opts: InitOptions) => {
      const { initCommand } = await import('./commands/init.js');
      setExit(await initCommand(file, opts));
    });

  program
    .command('gate')
    .description('check workloads against budget rules, before → after a baseline plan; exit 1 when an error-level rule fails')
    .argument('<workload...>', 'workload YAML files')
    .option(
      '--baseline <plan.json>',
      "a plan JSON from the target branch ('capacity-plan plan --format json'); workloads are matched by id, else name, else file (a likely rename)",
    )
    .option('--max-monthly-cost <usd>', 'total monthly cost limit in USD')
    .option('--max-increase-usd <usd>', 'largest allowed rise of the total monthly cost over the baseline, USD')
    .option('--max-increase-pct <percent>', 'largest allowed rise of the total monthly cost over the baseline, percent')
    .option('--max-units <n>', 'limit on the total of MaxInferenceUnits')
    .addOption(new Option('--fail-on <level>', 'lowest rule level that fails the gate').choices(['warn', 'error']).default('error'))
    .addOption(formatOption(['table', 'json', 'markdown', 'github', 'html']))
    .addOption(outOption())
    .option('--out-json <file>', 'also write the JSON result to a file (one run, several outputs)')
    .option('--out-markdown <file>', 'also write the markdown report (the PR comment) to a file')
    .addOption(allowPathOption())
    .action(async (files: string[], opts: GateOptions) => {
      const { gateCommand } = await import('./commands/gate.js');
      setExit(await gateCommand(files, opts));
    });

  program
    .command('report')
    .description('render a saved result (plan, simulate, backtest, gate or bench JSON) in another format; its "schema" picks the views')
    .argument('<file>', 'a result JSON written by plan, simulate or gate --format json, or a bench result file')
    .addOption(formatOption(['table', 'json', 'markdown', 'github', 'html']))
    .addOption(outOption())
    .addOption(
      new Option(
        '--allow-path <dir...>',
        'also read the result file from this folder when it is a symbolic link leading out of its own folder and the working directory',
      ),
    )
    .action(async (file: string, opts: ReportOptions) => {
      const { reportCommand } = await import('./commands/report.js');
      setExit(await reportCommand(file, opts));
    });

  program
    .command('bench')
    .description('measure the TPS of one inference unit on real ONNX models and images (writes a bench result file)')
    .argument('[suite]', 'bench suite YAML (default: both built-in models over the default conditions)')
    .option(
      '-m, --model <name|path...>',
      "a built-in (ocr-det, ocr-cls), or a model of the suite by name or .onnx path; replaces the suite's list",
    )
    .option('--quick', 'a small subset of conditions with a short time budget (about 12 s on 2 cores)')
    .option('-t, --threads <n>', "intra-op threads of the unit (default: the suite's, else 1)")
    .option('-o, --out <file>', 'result file, written atomically (default: bench-result.json, or the --resume file)')
    .option('--resume <file>', 'complete an interrupted result file: measure only what is missing (default --out: the same file)')
    .option('--scaling', 'also run 1 and 2 units side by side and report scaling efficiency')
    .addOption(formatOption(['table', 'json', 'markdown', 'html']))
    .addOption(allowPathOption())
    .addHelpText('after', '\nCtrl-C writes what was measured (complete: false) and exits 130.')
    .action(async (suite: string | undefined, opts: BenchOptions) => {
      await measurementStackFor('bench');
      const { benchCommand } = await import('./commands/bench.js');
      setExit(await benchCommand(suite, opts));
    });

  program
    .command('inspect')
    .description(
      "show an ONNX model's inputs, outputs, parameters, opset and producer, and propose its bench suite entry (checked by one run on a synthetic image)",
    )
    .argument('<model>', 'the .onnx file')
    .addOption(formatOption(['table', 'yaml']))
    .option(
      '--image <photo>',
      'also run the entry on this photo of yours (JPEG, PNG, WebP): a detector that finds nothing on it is flagged',
    )
    .option(
      '--out <preview.png>',
      'with --image: write the photo with what the entry found drawn on it (boxes and labels, or the top-5 classes)',
    )
    .addHelpText(
      'after',
      "\n--format yaml prints only the entry, ready to paste under a suite's models:.\nExit 1 when the proposed entry did not run on the synthetic images, or its outputs failed a plausibility check (scores outside 0..1, class ids past the class count, boxes without area, every image at the detection cap, nothing found on your --image).",
    )
    .action(async (model: string, opts: InspectOptions) => {
      await measurementStackFor('inspect');
      const { inspectCommand } = await import('./commands/inspect.js');
      setExit(await inspectCommand(model, opts));
    });

  program
    .command('demo')
    .description('bench --quick on both built-in models, then plan the example workloads with that fresh result')
    .option('--dir <dir>', 'where to write the bench result and the demo workloads', 'capacity-plan-demo')
    .action(async (opts: DemoOptions) => {
      await measurementStackFor('demo');
      const { demoCommand } = await import('./commands/demo.js');
      setExit(await demoCommand(opts));
    });

  program
    .command('serve')
    .description('run N local inference units of a bench model behind a Rekognition-compatible HTTP endpoint on 127.0.0.1 (to load-test)')
    .option('--units <n>', 'inference units (worker threads, one onnxruntime session each)', '1')
    .option('-m, --model <name>', 'a built-in (ocr-det, ocr-cls), or a model of --suite by name', 'ocr-cls')
    .option('--suite <file>', "bench suite YAML that declares --model (and the unit's threads)")
    .option('-t, --threads <n>', "intra-op threads per unit (default: the suite's, else 1)")
    .option('--port <port>', 'TCP port; 0 picks a free one', '0')
    .option('--host <address>', 'address to listen on (anything but loopback is warned about)', '127.0.0.1')
    .option('--queue <n>', 'requests that may wait for a busy fleet before it throttles', '0')
    .option('--project-version-arn <arn>', 'the model version this endpoint runs; calls naming another get ResourceNotFoundException')
    .option('--call-timeout-s <seconds>', 'a call not answered by then gets HTTP 500', '30')
    .addHelpText('after', '\nPrints `listening on http://HOST:PORT` first; SIGINT/SIGTERM stop it cleanly.')
    .action(async (opts: ServeOptions) => {
      await measurementStackFor('serve');
      const { serveCommand } = await import('./commands/serve.js');
      setExit(await serveCommand(opts));
    });

  program
    .command('loadtest')
    .description(
      'find the highest TPS a running model serves without throttling, by step load as AWS documents it (writes a loadtest result)',
    )
    .option('--endpoint <url>', 'an endpoint speaking the Rekognition protocol, e.g. capacity-plan serve')
    .option('--project-version-arn <arn>', 'a running Rekognition Custom Labels model (region and credentials from the standard AWS chain)')
    .option('--images <dir>', 'images sent as bytes (each under 4.0 MB)')
    .option('--s3 <url>', 'images referenced in S3: s3://bucket/prefix (keys listed with the SDK)')
    .addOption(
      new Option('--mode <mode>', 'open: steps of offered TPS; users: steps of concurrent users (closed loop, as the AWS sample)')
        .choices(['open', 'users'])
        .default('open'),
    )
    .option('--start <n>', 'first step: offered TPS (open) or users', '1')
    .option('--step-s <seconds>', 'measured seconds per step', '30')
    .option('--warmup-s <seconds>', "unmeasured seconds at each step's load before it is measured", '3')
    .option('--max-steps <n>', 'stop after this many steps', '12')
    .option('--max-load <n>', 'the ramp goes no higher than this TPS (open, default 4096) or users (default 256)')
    .option('--resolution-pct <pct>', 'stop the bisection when the last clean and first throttled steps are this close', '10')
    .option('--units <n>', 'units in service (default: MinInferenceUnits from DescribeProjectVersions)')
    .option('--call-timeout-s <seconds>', 'a call not answered by then counts as failed (timed out)', '30')
    .addOption(
      new Option(
        '--method <method>',
        "step-search (capacity-plan's), or aws-sample: AWS's tps.py reproduced (10 users doubling, 30 s runs, stop at the first failure)",
      )
        .choices(['step-search', 'aws-sample'])
        .default('step-search'),
    )
    .addOption(formatOption(['table', 'json', 'markdown']))
    .option('-o, --out <file>', 'result file, written atomically', 'loadtest-result.json')
    .addHelpText(
      'after',
      '\nExit 130 after Ctrl-C (finished steps are kept); exit 1 when the endpoint failed (server errors) before a throttling point was found.',
    )
    .action(async (opts: LoadtestOptions) => {
      // The AWS SDK client only: loadtest reads image headers itself and runs no model.
      const { requireOptionalPackages } = await import('./core/optional-packages.js');
      requireOptionalPackages('loadtest', ['@aws-sdk/client-rekognition']);
      const { loadtestCommand } = await import('./commands/loadtest.js');
      setExit(await loadtestCommand(opts));
    });

  for (const command of program.commands) command.addHelpText('after', exitCodesHelp(COMMAND_EXIT_CODES[command.name()] ?? []));
  return program;
}

let streamsGuarded = false;

/**
 * A failed write to stdout or stderr (`> /dev/full`, a closed pipe) arrives as an 'error' event,
 * possibly after main() has returned; unhandled, Node prints a stack trace and exits 1, which CI
 * reads as "a budget failed". A reader that stops early (`| head`) is not an error: stop quietly,
 * as Unix tools do. Any other failure is one line and exit 2, like a --out that cannot be written.
 */
function guardStreams(): void {
  if (streamsGuarded) return;
  streamsGuarded = true;
  for (const [name, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      if (name === 'stdout') {
        try {
          process.stderr.write(`capacity-plan: stdout: cannot write: ${err.code ?? 'write error'}\n`);
        } catch {
          // stderr is gone too: the exit code is all that is left to say it.
        }
      }
      process.exit(EXIT.invalidInput);
    });
  }
}

/**
 * True when file descriptor `fd` was closed when we started (`>&-`, `2>&-`). Node replaces a
 * closed stdio descriptor with /dev/null opened read-write, so every write would succeed into
 * nothing; a redirect to /dev/null opens it write-only. Linux only (/proc); elsewhere false.
 */
function startedClosed(fd: 1 | 2): boolean {
  try {
    if (readlinkSync(`/proc/self/fd/${fd}`) !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    return flags !== null && (parseInt(flags[1]!, 8) & 3) === 2;
  } catch {
    return false;
  }
}

/** Runs the CLI; returns the exit code. The one place where errors become exit codes. */
export async function main(argv: string[]): Promise<ExitCode> {
  // Output that cannot be written is exit 2 (README), not a silent success.
  if (startedClosed(2)) return EXIT.invalidInput;
  if (startedClosed(1)) {
    process.stderr.write('capacity-plan: stdout: cannot write: it is closed\n');
    return EXIT.invalidInput;
  }
  guardStreams();
  let code: ExitCode = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander complaint is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.invalidInput;
    }
    if (err instanceof UserError) {
      process.stderr.write(`capacity-plan: ${forTerminal(err.message)}\n`);
      return EXIT.invalidInput;
    }
    const e = err as Error;
    process.stderr.write(`capacity-plan: internal error: ${forTerminal(String(e?.message ?? err).split('\n')[0]!)}\n`);
    if (process.env.CAPACITY_PLAN_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    else process.stderr.write('(set CAPACITY_PLAN_DEBUG=1 for a stack trace, and please report it)\n');
    return EXIT.internal;
  }
}
