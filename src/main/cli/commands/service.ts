import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { fileTail } from '../fileTail';
import { cancelOnInterrupt } from '../interrupt';
import { OperationFailed, printJson, table } from '../output';
import type { Action } from '../program';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const integer = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new BenchtopError(
      'BAD_INPUT',
      `${what} must be a whole number of at least 1 (got "${value}").`,
      `E.g. ${what} 2.`,
    );
  return n;
};

const seconds = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new BenchtopError(
      'BAD_INPUT',
      `${what} must be a number of seconds above 0 (got "${value}").`,
      `E.g. ${what} 30.`,
    );
  return n;
};

/** `service settings` options -> the Settings keys the scoring server's limits live in. */
const LIMIT_KEYS = {
  headerTimeoutS: 'serviceHeaderTimeoutS',
  bodyTimeoutS: 'serviceBodyTimeoutS',
  idleTimeoutS: 'serviceIdleTimeoutS',
  writeTimeoutS: 'serviceWriteTimeoutS',
  maxConnections: 'serviceMaxConnections',
} as const;

/**
 * CONTRACTS.md's --json keys (name, state, port, scoringUri, swaggerUri, models) and the rest of the record;
 * `directory` and `logFile` say where it runs from, so the Python SDK can name the log of a failed deploy.
 */
function serviceJson(ctx: CliContext, service: ServiceRecord) {
  const layout = ctx.core.services.layout(service.name);
  return {
    name: service.name,
    state: service.state,
    port: service.port,
    scoringUri: service.scoringUri,
    swaggerUri: service.swaggerUri,
    invocationsUri: service.scoringUri.replace(/\/score$/, '/invocations'),
    models: service.models,
    entryScript: service.entryScript,
    sourceDirectory: service.sourceDirectory,
    environment: service.environment,
    target: service.target,
    workers: service.workers,
    error: service.error,
    pid: service.pid,
    createdAt: service.createdAt,
    updatedAt: service.updatedAt,
    directory: layout.dir,
    logFile: layout.log,
  };
}

/** Prints the service's log as it grows while `work` runs (deploys and updates show the build, init() output and errors). */
async function withLog<T>(ctx: CliContext, name: string, work: () => Promise<T>): Promise<T> {
  const pump = fileTail(ctx.core.services.layout(name).log, (chunk) => ctx.log.write(chunk), true);
  const timer = setInterval(pump, 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    pump();
  }
}

function failed(ctx: CliContext, err: unknown): never {
  if (err instanceof BenchtopError && err.hint?.startsWith('The log says')) {
    // The log was already printed live: say what failed without printing it twice.
    throw new OperationFailed(
      { code: err.code, message: err.message, hint: `See the log above, or: benchtop service logs <name>` },
      true,
    );
  }
  throw err;
}

export function registerServiceCommands(program: Command, action: Action): void {
  const service = program
    .command('service')
    .description('Local web services: registered models behind score.py on 127.0.0.1 (Azure ML inference contract)');

  service
    .command('deploy')
    .description(
      'Deploy models with an entry script (or no-code for one ScikitLearn or MLflow model); returns when GET / answers 200',
    )
    .requiredOption('-n, --name <name>', 'service name (3-32 lower-case letters, digits and -)')
    .requiredOption('-m, --model <model>', 'NAME[:VERSION] (repeatable)', collect)
    .option('--entry-script <file>', 'score.py with init() and run() (relative to -d when given)')
    .option('-d, --source-directory <dir>', 'folder copied with the entry script')
    .option(
      '-e, --environment <env>',
      'NAME[:VERSION] (default Benchtop-Minimal; without an entry script Benchtop-SKLearn, or for an MLflow model one made from its python_env.yaml / conda.yaml / requirements.txt)',
    )
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', integer('--port'))
    .option('--target <target>', 'local | docker', 'local')
    .option('--workers <n>', 'worker processes, each running init() (default 1)', integer('--workers'))
    .option('--timeout-ms <ms>', 'scoring timeout per request (default 60000)', integer('--timeout-ms'))
    .option('--max-body-mb <mb>', 'largest request body (default 10)', Number)
    .action(
      action(
        async (
          ctx: CliContext,
          opts: {
            name: string;
            model: string[];
            entryScript?: string;
            sourceDirectory?: string;
            environment?: string;
            port?: number;
            target: string;
            workers?: number;
            timeoutMs?: number;
            maxBodyMb?: number;
          },
        ) => {
          if (opts.target !== 'local' && opts.target !== 'docker')
            throw new BenchtopError('BAD_INPUT', `Unknown target "${opts.target}".`, 'Use local or docker.');
          // Ctrl-C: the half-made service is removed (its server stopped if it had started), so the name is
          // free again. The deploy call then fails; we wait for the removal before leaving (the workspace
          // must stay open until it is done).
          let canceled: Promise<void> | null = null;
          const release = cancelOnInterrupt('deploy', () => {
            canceled = ctx.core.services.delete(opts.name).catch(() => undefined);
          });
          const leaveCanceled = async (removal: Promise<void>) => {
            await removal;
            process.stderr.write(`Deploy canceled: ${opts.name} was removed.\n`);
            process.exit(130);
          };
          let deployed: ServiceRecord;
          try {
            deployed = await withLog(ctx, opts.name, () =>
              ctx.client.services.deploy({
                name: opts.name,
                models: opts.model,
                entryScript: opts.entryScript,
                sourceDirectory: opts.sourceDirectory,
                environment: opts.environment,
                port: opts.port,
                target: opts.target as 'local' | 'docker',
                workers: opts.workers,
                timeoutMs: opts.timeoutMs,
                maxBodyMb: opts.maxBodyMb,
              }),
            );
          } catch (err) {
            if (canceled) return leaveCanceled(canceled);
            return failed(ctx, err);
          } finally {
            release();
          }
          if (canceled) return leaveCanceled(canceled);
          if (ctx.json) return printJson(serviceJson(ctx, deployed));
          console.log(`Local webservice is running at ${deployed.scoringUri}`);
          console.log(`Swagger: ${deployed.swaggerUri}`);
          // Every service also answers MLflow's scoring contract.
          console.log(`MLflow:  ${deployed.scoringUri.replace(/\/score$/, '/invocations')}`);
        },
      ),
    );

  service
    .command('list')
    .description('List services with their state, URL and models')
    .action(
      action(async (ctx: CliContext) => {
        const services = await ctx.client.services.list({});
        if (ctx.json) return printJson(services.map((s) => serviceJson(ctx, s)));
        if (services.length === 0)
          return console.log(
            'No services yet. Deploy one: benchtop service deploy -n NAME -m MODEL --entry-script score.py',
          );
        console.log(
          table(
            ['NAME', 'STATE', 'URL', 'MODELS', 'ENVIRONMENT'],
            services.map((s) => [s.name, s.state, s.scoringUri, s.models.join(', '), s.environment]),
          ),
        );
      }),
    );

  service
    .command('show')
    .argument('<name>')
    .description('Show one service')
    .action(
      action(async (ctx: CliContext, name: string) => {
        const s = await ctx.client.services.get({ name });
        if (ctx.json) return printJson(serviceJson(ctx, s));
        console.log(
          [
            `${s.name}: ${s.state}`,
            `Scoring URI: ${s.scoringUri}`,
            `Swagger:     ${s.swaggerUri}`,
            `MLflow:      ${s.scoringUri.replace(/\/score$/, '/invocations')}`,
            `Models:      ${s.models.join(', ')}`,
            `Entry:       ${s.entryScript ?? '(no-code: the built-in scikit-learn or MLflow scorer)'}`,
            `Environment: ${s.environment}`,
            `Serving:     ${s.target === 'docker' ? `container ${s.containerId?.slice(0, 12) ?? '-'}` : `process ${s.pid ?? '-'}`}`,
            `Workers:     ${s.workers}, timeout ${s.timeoutMs} ms, body limit ${s.maxBodyMb} MB`,
            ...(s.error ? [`Error:       ${s.error}`] : []),
          ].join('\n'),
        );
      }),
    );

  service
    .command('logs')
    .argument('<name>')
    .option('--follow', 'keep printing new lines (Ctrl-C stops)')
    .description("Print the service's log: start-up, init() output, access lines, tracebacks")
    .action(
      action(async (ctx: CliContext, name: string, opts: { follow?: boolean }) => {
        let { text, offset } = await ctx.client.services.logs({ name });
        process.stdout.write(text);
        if (!opts.follow) return;
        await new Promise<void>((resolve) => {
          const release = cancelOnInterrupt('log follow', () => {
            clearInterval(timer);
            release();
            resolve();
          });
          const timer = setInterval(() => {
            void ctx.client.services.logs({ name, offset }).then(
              (next) => {
                ({ text, offset } = next);
                process.stdout.write(text);
              },
              () => undefined,
            );
          }, 250);
        });
      }),
    );

  service
    .command('run')
    .argument('<name>')
    .requiredOption(
      '--data <body>',
      "the request body (e.g. '{\"data\": [[5.1, 3.5, 1.4, 0.2]]}'), or @FILE to send a file's content",
    )
    .option('--invocations', "POST to MLflow's /invocations instead of Azure's /score")
    .option('--content-type <type>', "the body's type (default application/json; text/csv for an @FILE.csv)")
    .description("POST a body to the service's /score (or MLflow's /invocations) and print the response")
    .action(
      action(
        async (ctx: CliContext, name: string, opts: { data: string; invocations?: boolean; contentType?: string }) => {
          const request = requestBody(opts.data, opts.contentType);
          const result = await ctx.client.services.score({
            name,
            body: request.body,
            headers: { 'content-type': request.contentType },
            route: opts.invocations ? '/invocations' : '/score',
          });
          if (ctx.json) return printJson({ ...result, json: safeJson(result.body) });
          console.log(result.body);
          if (result.status !== 200)
            throw new OperationFailed({
              code: 'BUILD_FAILED',
              message: `The service answered ${result.status}.`,
              hint: `See its log: benchtop service logs ${name}`,
            });
        },
      ),
    );

  service
    .command('reload')
    .argument('<name>')
    .description('Copy the entry script and source folder again and restart the workers (no environment rebuild)')
    .action(
      action(async (ctx: CliContext, name: string) => {
        const result = await ctx.client.services.reload({ name });
        if (ctx.json)
          return printJson({ ...serviceJson(ctx, result), reloaded: result.reloaded, message: result.message });
        if (!result.reloaded)
          throw new OperationFailed({
            code: 'BUILD_FAILED',
            message: 'The reloaded entry script could not start; the service still serves the previous one.',
            hint: result.message,
          });
        console.log(`Reloaded ${name}: ${result.scoringUri}`);
      }),
    );

  service
    .command('update')
    .argument('<name>')
    .option('-m, --model <model>', 'NAME[:VERSION] (repeatable; replaces the models)', collect)
    .option('-e, --environment <env>', 'NAME[:VERSION]')
    .option('--workers <n>', 'worker processes', integer('--workers'))
    .description('Serve other model versions, another environment or worker count (restarts on the same port)')
    .action(
      action(
        async (ctx: CliContext, name: string, opts: { model?: string[]; environment?: string; workers?: number }) => {
          const updated = await withLog(ctx, name, () =>
            ctx.client.services.update({
              name,
              models: opts.model,
              environment: opts.environment,
              workers: opts.workers,
            }),
          ).catch((err: unknown) => failed(ctx, err));
          if (ctx.json) return printJson(serviceJson(ctx, updated));
          console.log(
            `Updated ${name}: ${updated.models.join(', ')} on ${updated.environment}, running at ${updated.scoringUri}`,
          );
        },
      ),
    );

  service
    .command('settings')
    .description(
      "Show or set the scoring server's limits for every service (a running one takes them when it restarts)",
    )
    .option(
      '--header-timeout-s <s>',
      "seconds for a request's headers to arrive (default 10)",
      seconds('--header-timeout-s'),
    )
    .option('--body-timeout-s <s>', 'seconds for its body to arrive (default 30)', seconds('--body-timeout-s'))
    .option(
      '--idle-timeout-s <s>',
      'seconds a keep-alive connection may stay idle (default 60)',
      seconds('--idle-timeout-s'),
    )
    .option(
      '--write-timeout-s <s>',
      'seconds for a client to read its answer (default 30)',
      seconds('--write-timeout-s'),
    )
    .option('--max-connections <n>', 'open connections per worker (default 1000)', integer('--max-connections'))
    .action(
      action(async (ctx: CliContext, opts: Partial<Record<keyof typeof LIMIT_KEYS, number>>) => {
        const patch = Object.fromEntries(
          Object.entries(LIMIT_KEYS).flatMap(([opt, key]) =>
            opts[opt as keyof typeof LIMIT_KEYS] === undefined ? [] : [[key, opts[opt as keyof typeof LIMIT_KEYS]]],
          ),
        );
        const settings =
          Object.keys(patch).length > 0
            ? await ctx.client.settings.update(patch)
            : (await ctx.client.app.info({})).settings;
        const limits = Object.fromEntries(Object.values(LIMIT_KEYS).map((key) => [key, settings[key]]));
        if (ctx.json) return printJson(limits);
        console.log(
          [
            `Header timeout:  ${settings.serviceHeaderTimeoutS} s`,
            `Body timeout:    ${settings.serviceBodyTimeoutS} s`,
            `Idle timeout:    ${settings.serviceIdleTimeoutS} s`,
            `Write timeout:   ${settings.serviceWriteTimeoutS} s`,
            `Connections:     ${settings.serviceMaxConnections} per worker`,
          ].join('\n'),
        );
      }),
    );

  service
    .command('delete')
    .argument('<name>')
    .description('Stop the service and remove it (its port is free again)')
    .action(
      action(async (ctx: CliContext, name: string) => {
        await ctx.client.services.delete({ name });
        if (ctx.json) return printJson({ deleted: name });
        console.log(`Deleted ${name}.`);
      }),
    );
}

/** --data as typed, or @FILE's content; a .csv file goes as text/csv unless --content-type says otherwise. */
function requestBody(data: string, contentType: string | undefined): { body: string; contentType: string } {
  if (!data.startsWith('@')) return { body: data, contentType: contentType ?? 'application/json' };
  const file = path.resolve(data.slice(1));
  let body: string;
  try {
    body = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BenchtopError(
      'NOT_FOUND',
      `Cannot read the request body from ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
      'Give --data @PATH of an existing file, or the body itself.',
    );
  }
  return { body, contentType: contentType ?? (/\.csv$/i.test(file) ? 'text/csv' : 'application/json') };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
