import path from 'node:path';
import type { Command } from 'commander';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { printJson, table } from '../output';
import type { Action } from '../program';
import { registerDockerPoolCommands } from './dockerPool';

export function registerDockerCommands(program: Command, action: Action): void {
  const docker = program
    .command('docker')
    .description('The Docker engine: status, base images, the engine to use, generated Dockerfiles');

  docker
    .command('status')
    .description('Whether the engine answers: version, images, disk used, runtimes (exit 1 when it is down)')
    .action(
      action(async (ctx) => {
        const status = await ctx.client.docker.status({});
        if (ctx.json) printJson(status);
        else if (status.running) {
          console.log(`Docker engine at ${status.url}${status.local ? ' (local)' : ' (remote)'}: running`);
          console.log(`  version ${status.version} (API ${status.apiVersion}), ${status.os}`);
          console.log(
            `  ${status.images} images, ${status.containers} containers, ${formatBytes(status.diskUsedBytes ?? 0)} used by images`,
          );
          console.log(
            `  runtimes: ${status.runtimes.join(', ')}${status.runtimes.includes('nvidia') ? ' (GPU requests work)' : ''}`,
          );
        }
        if (!status.running)
          throw new BenchtopError(
            'ENGINE_UNAVAILABLE',
            status.error?.message ?? `The Docker engine at ${status.url} is not running.`,
            status.error?.hint,
          );
      }),
    );

  docker
    .command('images')
    .description('Images on the engine (base images, and benchtop/env:<build key> made by builds)')
    .action(
      action(async (ctx) => {
        const images = await ctx.client.docker.images({});
        if (ctx.json) return printJson(images);
        if (images.length === 0)
          return console.log(
            'No images. Load a base image: benchtop docker load FILE.tar (see README: Docker base images).',
          );
        console.log(
          table(
            ['IMAGE', 'ID', 'SIZE', 'CREATED'],
            images.map((i) => [
              i.tags.join(', ') || '<untagged>',
              i.id.replace(/^sha256:/, '').slice(0, 12),
              formatBytes(i.sizeBytes),
              i.createdAt.slice(0, 19).replace('T', ' '),
            ]),
          ),
        );
      }),
    );

  docker
    .command('load')
    .description('Load an image from a `docker save` tarball, or import a root filesystem tarball (--tag needed)')
    .argument('<file>', 'the .tar file')
    .option('--tag <name:tag>', 'name for a root filesystem tarball')
    .action(
      action(async (ctx, file: string, opts: { tag?: string }) => {
        const result = await ctx.client.docker.load({
          file: path.resolve(file),
          ...(opts.tag ? { tag: opts.tag } : {}),
        });
        if (ctx.json) return printJson(result);
        console.log(result.tags.length ? `Loaded ${result.tags.join(', ')}` : 'Loaded (the tarball named no tags).');
      }),
    );

  registerDockerPoolCommands(docker, action);

  settingCommand(docker, action, {
    name: 'engine',
    description: 'Show or set the engine Benchtop uses: unix:///path, tcp://HOST:PORT, ssh://USER@HOST, or "local"',
    argument: ['[address]', 'the engine address; "local" goes back to DOCKER_HOST or the default socket'],
    key: 'dockerHost',
    unset: 'local',
    whenUnset: 'local (DOCKER_HOST, else the default socket)',
  });

  settingCommand(docker, action, {
    name: 'base-image',
    description:
      "Show or set the base image for environments that name Azure's default (or none), e.g. the curated ones",
    argument: ['[image]', 'a local image (e.g. benchtop/base:bookworm-python), or "none"'],
    key: 'dockerDefaultBaseImage',
    unset: 'none',
    whenUnset: "none (Azure's default base image, which must be loaded)",
  });

  docker
    .command('dockerfile')
    .description('Print the Dockerfile an environment builds with (backend docker)')
    .requiredOption('-n, --name <name>', 'environment name')
    .option('-v, --version <version>', 'environment version (default: latest)')
    .option('--offline', 'as an offline build makes it (wheels from the workspace, no index)')
    .action(
      action(async (ctx, opts: { name: string; version?: string; offline?: boolean }) => {
        const result = await ctx.client.docker.dockerfile({
          name: opts.name,
          ...(opts.version ? { version: opts.version } : {}),
          ...(opts.offline ? { offline: true } : {}),
        });
        if (ctx.json) return printJson(result);
        process.stdout.write(result.dockerfile);
        process.stderr.write(`Image: ${result.imageTag}; interpreter: ${result.pythonPath}\n`);
      }),
    );
}

/** `benchtop docker NAME [VALUE]`: prints a Docker setting, or sets it (`unset` clears it). */
function settingCommand(
  parent: Command,
  action: Action,
  spec: {
    name: string;
    description: string;
    argument: [string, string];
    key: 'dockerHost' | 'dockerDefaultBaseImage';
    unset: string;
    whenUnset: string;
  },
): void {
  parent
    .command(spec.name)
    .description(spec.description)
    .argument(...spec.argument)
    .action(
      action(async (ctx, value?: string) => {
        const settings =
          value === undefined
            ? (await ctx.client.app.info({})).settings
            : await ctx.client.settings.update({ [spec.key]: value === spec.unset ? null : value });
        if (ctx.json) return printJson({ [spec.key]: settings[spec.key] });
        console.log(settings[spec.key] ?? spec.whenUnset);
      }),
    );
}
