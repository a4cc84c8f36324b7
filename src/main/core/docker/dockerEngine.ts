import fs from 'node:fs';
import type Docker from 'dockerode';
import {
  type EngineStatus,
  IMAGE_REPOSITORY,
  type ImageSummary,
  type LoadImage,
} from '../../../shared/api/dockerTypes';
import { BenchtopError, toApiError } from '../../../shared/errors';
import { isAzureDefaultBaseImage } from '../../../shared/environments/definition';
import type { Db } from '../workspace/database';
import { readSettings } from '../workspace/settings';
import { type EngineAddress, connect, engineAddress, engineCall, engineError } from './engine';
import { isDockerSave } from './imageArchive';

/** The status of an engine that could not be asked (a bad address, or it is down): why, and the fix. */
function notRunning(url: string, local: boolean, err: unknown): EngineStatus {
  const e = toApiError(err);
  return {
    url,
    local,
    running: false,
    version: null,
    apiVersion: null,
    os: null,
    images: null,
    containers: null,
    diskUsedBytes: null,
    runtimes: [],
    error: { message: e.message, hint: e.hint },
  };
}

/**
 * The Docker engine the settings name, built fresh per call so a settings change
 * applies at once. Everything that talks to Docker goes through here.
 */
export class DockerEngine {
  /** `engine`: a pool engine's URL for this one client; null: the workspace's engine (Settings). */
  constructor(
    private readonly db: Db,
    private readonly engine: string | null = null,
  ) {}

  address(): EngineAddress {
    return engineAddress(this.engine ?? readSettings(this.db).dockerHost);
  }

  /** A client and its address; calls through `call` get clear errors when the engine is down. */
  client(): { docker: Docker; address: EngineAddress; call: <T>(fn: (docker: Docker) => Promise<T>) => Promise<T> } {
    const address = this.address();
    const docker = connect(address);
    return { docker, address, call: (fn) => engineCall(address, () => fn(docker)) };
  }

  async status(): Promise<EngineStatus> {
    let address: EngineAddress;
    try {
      address = this.address();
    } catch (err) {
      return notRunning(readSettings(this.db).dockerHost ?? '', false, err);
    }
    const { call } = this.client();
    try {
      const [version, info] = await Promise.all([
        call((d) => d.version()),
        call((d) => d.info() as Promise<Record<string, unknown>>),
      ]);
      const df = await call(
        (d) => d.df() as Promise<{ LayersSize?: number; Volumes?: { UsageData?: { Size?: number } }[] }>,
      ).catch(() => null);
      return {
        url: address.url,
        local: address.local,
        running: true,
        version: version.Version,
        apiVersion: version.ApiVersion,
        os: `${String(info.OperatingSystem ?? version.Os)} (${version.Arch})`,
        images: Number(info.Images ?? 0),
        containers: Number(info.Containers ?? 0),
        diskUsedBytes: df
          ? (df.LayersSize ?? 0) + (df.Volumes ?? []).reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0)
          : null,
        runtimes: Object.keys((info.Runtimes as Record<string, unknown> | undefined) ?? {}),
        error: null,
      };
    } catch (err) {
      return notRunning(address.url, address.local, err);
    }
  }

  /** The engine's runtimes ("runc", "nvidia", ...): one info call, not status()'s disk usage walk. */
  async runtimes(): Promise<string[]> {
    const { call } = this.client();
    const info = (await call((d) => d.info())) as { Runtimes?: Record<string, unknown> };
    return Object.keys(info.Runtimes ?? {});
  }

  async images(): Promise<ImageSummary[]> {
    const { call } = this.client();
    const list = await call((d) => d.listImages());
    return list
      .map((image) => {
        const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
        const ours = tags.find((t) => t.startsWith(`${IMAGE_REPOSITORY}:`));
        return {
          id: image.Id,
          tags,
          sizeBytes: image.Size,
          createdAt: new Date(image.Created * 1000).toISOString(),
          buildKey: ours ? ours.slice(IMAGE_REPOSITORY.length + 1) : null,
        };
      })
      .sort((a, b) => (a.tags[0] ?? '~').localeCompare(b.tags[0] ?? '~'));
  }

  async imageExists(reference: string): Promise<boolean> {
    const { docker, address } = this.client();
    try {
      await docker.getImage(reference).inspect();
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw engineError(err, address);
    }
  }

  /** Refuses, with the way to add them, when base images are not on the engine (nothing can be pulled offline). */
  async requireImages(references: string[]): Promise<void> {
    for (const reference of references) {
      if (await this.imageExists(reference)) continue;
      const local = (await this.images()).flatMap((i) => i.tags).filter((t) => !t.startsWith(`${IMAGE_REPOSITORY}:`));
      if (isAzureDefaultBaseImage(reference)) {
        throw new BenchtopError(
          'IMAGE_MISSING',
          `The environment uses Azure's default base image (${reference}), which cannot be pulled here.`,
          `Set a local Python image as the default base image: benchtop docker base-image IMAGE (or Settings -> Docker engine).${local.length ? ` Images on the engine: ${local.slice(0, 8).join(', ')}.` : ' Make one first: scripts/make-base-image.sh.'}`,
        );
      }
      throw new BenchtopError(
        'IMAGE_MISSING',
        `The base image "${reference}" is not on the Docker engine at ${this.address().url}, and Benchtop does not pull from registries.`,
        `Load it from a file (benchtop docker load FILE.tar: a \`docker save\` or root filesystem tarball), or make a Python base image from Debian packages with scripts/make-base-image.sh; then set it as the environment's base image.${local.length ? ` Images on the engine: ${local.slice(0, 8).join(', ')}.` : ' The engine has no images yet.'}`,
      );
    }
  }

  /** Loads a `docker save` tarball (its own tags) or imports a root filesystem tarball as `tag`. */
  async load(input: LoadImage): Promise<{ tags: string[] }> {
    if (!fs.existsSync(input.file))
      throw new BenchtopError(
        'NOT_FOUND',
        `No file at ${input.file}.`,
        'Give the path of a .tar made by `docker save` or a root filesystem tarball.',
      );
    const { docker, call } = this.client();
    if (isDockerSave(input.file)) {
      const stream = await call((d) => d.loadImage(fs.createReadStream(input.file)));
      const lines = await readJsonLines(stream);
      const failed = lines.find((l) => l.error);
      if (failed)
        throw new BenchtopError(
          'BAD_INPUT',
          `The engine refused ${input.file}: ${String(failed.error)}`,
          'Make the file again with `docker save IMAGE -o FILE.tar`.',
        );
      const tags = lines
        .map((l) => /Loaded image: (\S+)/.exec(String(l.stream ?? ''))?.[1])
        .filter((t): t is string => !!t);
      return { tags };
    }
    if (!input.tag)
      throw new BenchtopError(
        'BAD_INPUT',
        `${input.file} is a root filesystem tarball, so it needs a name.`,
        'Give one with --tag NAME:TAG (e.g. --tag mybase:1).',
      );
    const [repo, tag] = splitTag(input.tag);
    const stream = await call(() =>
      docker.importImage(fs.createReadStream(input.file), {
        repo,
        tag,
        changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'ENV LANG=C.UTF-8'],
      } as object),
    );
    const lines = await readJsonLines(stream);
    const failed = lines.find((l) => l.error);
    if (failed)
      throw new BenchtopError(
        'BAD_INPUT',
        `The engine could not import ${input.file}: ${String(failed.error)}`,
        'Give a tar of a root filesystem (e.g. made with debootstrap).',
      );
    return { tags: [input.tag] };
  }

  async removeImage(reference: string): Promise<void> {
    const { docker } = this.client();
    await docker
      .getImage(reference)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

function splitTag(reference: string): [string, string] {
  const at = reference.lastIndexOf(':');
  return at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, 'latest'];
}

/** Reads an engine's progress stream (JSON objects, one or more per chunk) to its end. */
export async function readJsonLines(stream: NodeJS.ReadableStream): Promise<Record<string, unknown>[]> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return { stream: l };
      }
    });
}
