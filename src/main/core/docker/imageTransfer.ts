import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BenchtopError } from '../../../shared/errors';
import { type DockerEngine, readJsonLines } from './dockerEngine';

export interface ImageTransfer {
  /** Bytes of the `docker save` archive that went from one engine to the other. */
  bytes: number;
  seconds: number;
}

/**
 * Copies an image from one engine to another as `docker save REF | docker load` does: the source's archive streams
 * straight into the target's load call (nothing is written to this machine's disk, so an image of many GB needs no
 * room here). The engines keep their own layer stores; the target skips layers it has already.
 */
export async function transferImage(
  from: DockerEngine,
  to: DockerEngine,
  reference: string,
  signal?: AbortSignal,
): Promise<ImageTransfer> {
  const source = from.client();
  const target = to.client();
  const started = performance.now();
  const saved = (await source.call((d) => d.getImage(reference).get())) as NodeJS.ReadableStream & {
    destroy?: (err?: Error) => void;
  };
  let bytes = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const cancel = () => {
    const err = new BenchtopError('CANCELED', `Canceled while loading ${reference} onto ${target.address.url}.`);
    saved.destroy?.(err);
    counting.destroy(err);
  };
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const sending = pipeline(saved, counting);
    const response = await target.call((d) => d.loadImage(counting));
    const [lines] = await Promise.all([readJsonLines(response), sending]);
    const failed = lines.find((l) => l.error);
    if (failed)
      throw new BenchtopError(
        'ENGINE_UNAVAILABLE',
        `The Docker engine at ${target.address.url} refused ${reference} from ${source.address.url}: ${String(failed.error)}`,
        'Check the disk space there (docker system df), or load it by hand: docker save IMAGE | docker -H URL load.',
      );
  } catch (err) {
    if (signal?.aborted)
      throw new BenchtopError('CANCELED', `Canceled while loading ${reference} onto ${target.address.url}.`);
    throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  if (!(await to.imageExists(reference)))
    throw new BenchtopError(
      'ENGINE_UNAVAILABLE',
      `${reference} is not on the Docker engine at ${target.address.url} after loading it from ${source.address.url}.`,
      'Load it by hand (docker save IMAGE | docker -H URL load) and look at the log of dockerd there.',
    );
  return { bytes, seconds: (performance.now() - started) / 1000 };
}
