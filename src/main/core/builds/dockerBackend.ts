import fs from 'node:fs';
import path from 'node:path';
import { imageTagFor } from '../../../shared/api/dockerTypes';
import { BenchtopError } from '../../../shared/errors';
import { DEFAULT_BASE_IMAGE, type EnvironmentDefinition } from '../../../shared/environments/definition';
import { BuildStreamParser } from '../docker/buildProgress';
import type { DockerEngine } from '../docker/dockerEngine';
import { generateDockerfile, type GeneratedDockerfile, LOCK_MARKER } from '../docker/dockerfile';
import { engineError } from '../docker/engine';
import { runOnce } from '../docker/oneShot';
import { LOCK_SCRIPT } from '../python/lockScript';
import type { LockedPackage } from '../../../shared/api/types';
import type { BuildBackend, BuildOutcome, BuildRequest } from './backend';
import { pipRequirementsFor } from './venvBackend';

/** The Dockerfile an environment builds with (shown in the UI and `benchtop env dockerfile`). */
export function dockerfileFor(
  def: EnvironmentDefinition,
  buildKey: string,
  label: string,
  offline: boolean,
  note: (text: string) => void = () => undefined,
): GeneratedDockerfile {
  return generateDockerfile(def, {
    pipRequirements: pipRequirementsFor(def, note),
    baseImageFallback: DEFAULT_BASE_IMAGE,
    label,
    offlineWheels: offline,
    buildKey,
    lockScript: `${LOCK_SCRIPT.replace('print(json.dumps(', `print(${JSON.stringify(LOCK_MARKER)} + json.dumps(`)}\n`,
  });
}

/**
 * Builds `benchtop/env:<build key>` through the engine's build API: the generated
 * Dockerfile and its files as the context, the engine's output live in the build's
 * terminal with per-step progress. The tag is applied only when every step passed,
 * so a failed or canceled build never leaves an image that looks built.
 */
export class DockerBackend implements BuildBackend {
  readonly name = 'docker' as const;
  readonly createsPrefix = false;

  constructor(private readonly engine: DockerEngine) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { job, prefix } = request;
    const buildKey = path.basename(prefix);
    const tag = imageTagFor(buildKey);
    const { call } = this.engine.client();
    job.setProgress(0.01, 'Checking the Docker engine');
    await call((d) => d.ping());
    const generated = dockerfileFor(
      request.definition,
      buildKey,
      `${request.definition.name} (build key ${buildKey})`,
      request.offline,
      (text) => job.output.note(text),
    );
    await this.engine.requireImages(generated.baseImages);

    let lock: string | null = null;
    if (!request.rebuild && (await this.engine.imageExists(tag))) {
      // The key names the content, so an image with its tag (this or another workspace built it) is this build.
      job.output.note(`cached: the engine already has ${tag}; recording it without building.`);
    } else {
      lock = await this.buildImage(request, generated, tag);
    }
    return this.recordImage(request, generated, tag, lock);
  }

  /** Builds and tags the image; returns the lock its last step printed. */
  private async buildImage(request: BuildRequest, generated: GeneratedDockerfile, tag: string): Promise<string | null> {
    const { job, prefix } = request;
    const { docker, address } = this.engine.client();
    const context = `${prefix}.context`;
    fs.rmSync(context, { recursive: true, force: true });
    fs.mkdirSync(context, { recursive: true });
    try {
      fs.writeFileSync(path.join(context, 'Dockerfile'), generated.dockerfile);
      for (const [name, content] of Object.entries(generated.files))
        fs.writeFileSync(path.join(context, name), content);
      if (request.offline && fs.existsSync(request.wheelsDir))
        fs.cpSync(request.wheelsDir, path.join(context, 'wheels'), { recursive: true });
      job.output.note(`Building image ${tag} on ${address.url} from this Dockerfile:`);
      job.output.push(`${generated.dockerfile.replace(/\n/g, '\r\n')}\r\n`);
      return await this.runBuild(docker, context, tag, request);
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  }

  private async recordImage(
    request: BuildRequest,
    generated: GeneratedDockerfile,
    tag: string,
    printed: string | null,
  ): Promise<BuildOutcome> {
    const { job } = request;
    const { docker, address, call } = this.engine.client();
    job.setProgress(0.95, 'Recording installed versions');
    let lockJson = printed;
    if (lockJson === null) {
      // An image found on the engine, not built now: ask its interpreter.
      const lock = await runOnce(docker, tag, [generated.pythonPath, '-I', '-c', LOCK_SCRIPT]).catch((err: unknown) => {
        throw engineError(err, address);
      });
      if (lock.exitCode !== 0) throw interpreterFailed(generated.pythonPath, lock.exitCode, lock.output);
      lockJson = lock.output.trim().split('\n').pop() as string;
    }
    const parsed = JSON.parse(lockJson) as { python: string; packages: LockedPackage[] };
    const image = await call((d) => d.getImage(tag).inspect());
    job.output.note(`Image ${tag} (${image.Id.slice(7, 19)}), ${(image.Size / 1e6).toFixed(0)} MB`);
    return {
      pythonVersion: parsed.python,
      pythonPath: generated.pythonPath,
      lock: parsed.packages,
      image: tag,
      sizeBytes: image.Size,
    };
  }

  private async runBuild(
    docker: ReturnType<DockerEngine['client']>['docker'],
    context: string,
    tag: string,
    request: BuildRequest,
  ): Promise<string | null> {
    const { job } = request;
    const address = this.engine.address();
    const parser = new BuildStreamParser(
      (text) => job.output.push(text),
      (step, steps, text) =>
        job.setProgress(0.05 + (0.88 * (step - 1)) / Math.max(1, steps), `Step ${step}/${steps}: ${text.slice(0, 80)}`),
    );
    let stream: NodeJS.ReadableStream & { destroy?: () => void };
    try {
      stream = (await docker.buildImage(
        { context, src: fs.readdirSync(context) },
        // Offline: no network in the build's RUN steps either (only loopback), so a step that would reach out fails here
        // as it would on an air-gapped machine, instead of passing because the engine happens to be online.
        { t: tag, rm: true, forcerm: true, ...(request.offline ? { networkmode: 'none' } : {}) },
      )) as typeof stream;
    } catch (err) {
      throw engineError(err, address);
    }
    const cancel = () => stream.destroy?.();
    if (job.signal.aborted) cancel();
    job.signal.addEventListener('abort', cancel, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => parser.push(chunk));
        stream.on('end', () => resolve());
        stream.on('close', () => resolve());
        stream.on('error', (err: Error) => reject(err));
      });
    } catch (err) {
      if (!job.signal.aborted) throw engineError(err, address);
    } finally {
      job.signal.removeEventListener('abort', cancel);
    }
    parser.end();
    if (job.signal.aborted) {
      // The engine stops the build when its client goes; make sure no tag points at a half-made image.
      await docker
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
      throw new BenchtopError('CANCELED', 'The image build was canceled.', 'Build again to start over.');
    }
    if (parser.error || !parser.imageId) {
      const failure = parser.failure();
      if (/lock\.py/.test(parser.stepText)) throw interpreterFailed(pythonOfStep(parser.stepText), 1, failure.output);
      throw new BenchtopError(
        'BUILD_FAILED',
        failure.message,
        failure.output ? `The step's last output:\n${failure.output}` : 'The build log above shows the output.',
      );
    }
    return parser.lock;
  }
}

function pythonOfStep(step: string): string {
  return /^RUN "([^"]+)"/.exec(step)?.[1] ?? 'python';
}

function interpreterFailed(python: string, exitCode: number, output: string): BenchtopError {
  return new BenchtopError(
    'BUILD_FAILED',
    `The image's interpreter ${python} did not run (exit code ${exitCode}): ${output.trim().split('\n').slice(-3).join(' ')}`,
    'For a user-managed environment, set python.interpreterPath to the interpreter inside the image (e.g. /usr/bin/python3).',
  );
}
