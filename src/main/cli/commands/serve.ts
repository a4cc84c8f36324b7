import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { BenchtopError } from '../../../shared/errors';
import { startServer } from '../../server/server';
import { recordUi } from '../../server/uiRecord';
import { keepWorkspaceOpen } from '../program';
import type { Action } from '../program';

/** Opens the URL in the default browser; failures are fine (the URL is printed). */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(opener, [url], { detached: true, stdio: 'ignore' })
      .on('error', () => undefined)
      .unref();
  } catch {
    // No browser opener here; the printed URL is enough.
  }
}

export function registerServeCommand(program: Command, action: Action): void {
  program
    .command('serve')
    .description('Serve the Benchtop UI and API to a browser (headless), bound to 127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--host <host>', 'address to bind; anything but 127.0.0.1 exposes Benchtop to your network', '127.0.0.1')
    .option('--no-open', 'do not open a browser')
    .action(
      action(async (ctx, opts: { port: string; host: string; open: boolean }) => {
        const port = Number.parseInt(opts.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new BenchtopError(
            'BAD_INPUT',
            `Invalid port "${opts.port}".`,
            'Give a number from 0 to 65535 (0 picks a free port).',
          );
        keepWorkspaceOpen();
        const staticDir = path.join(__dirname, '..', 'renderer');
        const server = await startServer({ core: ctx.core, host: opts.host, port, staticDir });
        if (opts.host !== '127.0.0.1' && opts.host !== 'localhost')
          process.stderr.write(
            `warning: listening on ${opts.host}; anyone who can reach it and has the token can use Benchtop.\n`,
          );
        console.log(`Benchtop UI: ${server.url}`);
        console.log(`Workspace: ${ctx.core.paths.root}`);
        if (ctx.json) console.log(JSON.stringify({ url: server.url, port: server.port, token: server.token }));
        if (opts.open) openBrowser(server.url);
        const forgetUi = recordUi(ctx.core.paths.root, server.url);
        process.on('exit', forgetUi);
        const stop = () => {
          forgetUi();
          void server.close().then(() => {
            ctx.core.close();
            process.exit(0);
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
    );
}
