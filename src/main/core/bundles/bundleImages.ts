import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { BenchtopError } from '../../../shared/errors';
import { type DockerEngine, readJsonLines } from '../docker/dockerEngine';

/**
 * `docker save IMAGE BASE...` into one file: layers the images share are in it once. Spooled to disk because the
 * tar entry's size must be known before its bytes are written.
 */
export async function saveImages(
  engine: DockerEngine,
  images: string[],
  file: string,
  signal: AbortSignal,
): Promise<number> {
  const { call } = engine.client();
  // GET /images/get?names=...: dockerode has it (getImages) but its typings do not.
  const saved = (await call((d) =>
    (d as unknown as { getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({
      names: images,
    }),
  )) as NodeJS.ReadableStream;
  await pipeline(saved, fs.createWriteStream(file, { flags: 'wx' }), { signal });
  return fs.statSync(file).size;
}

/** `docker load` into the workspace's engine; returns the tags it loaded. */
export async function loadImages(engine: DockerEngine, file: string): Promise<string[]> {
  const { call } = engine.client();
  const response = await call((d) => d.loadImage(fs.createReadStream(file)));
  const lines = await readJsonLines(response);
  const failed = lines.find((l) => l.error);
  if (failed)
    throw new BenchtopError(
      'ENGINE_UNAVAILABLE',
      `The Docker engine at ${engine.address().url} refused the bundle's images: ${String(failed.error)}. Nothing was imported.`,
      'Check its disk space (docker system df) and import again.',
    );
  return lines.map((l) => /Loaded image: (\S+)/.exec(String(l.stream ?? ''))?.[1]).filter((t): t is string => !!t);
}
