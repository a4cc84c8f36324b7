import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { BASE_IMAGE, dockerReady, localDocker, startSecondEngine, startSshEngine } from '../helpers/docker';
import { makeWheel, requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

let ready = false;
let workspace: string;
let core: Core;
const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli(args, { workspace, env, timeoutMs: 600_000 });

function register(definition: Record<string, unknown>): string {
  const result = core.environments.register({
    python: { userManagedDependencies: false, interpreterPath: 'python' },
    ...definition,
  });
  return `${result.environment.name}:${result.environment.version}`;
}

/** An environment whose image is the base image as it is (user-managed system Python): builds in seconds, offline. */
function boxed(name: string, dockerArguments: string[] = []): string {
  return register({
    name,
    docker: { baseImage: BASE_IMAGE, arguments: dockerArguments },
    python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
  });
}

function source(files: Record<string, string>): string {
  const dir = tempDir('bt-docker-src-');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

async function finished(runId: string, timeoutMs = 300_000) {
  await waitUntil(() => ['Completed', 'Failed', 'Canceled'].includes(core.runs.get(runId).status), timeoutMs);
  return core.runs.get(runId);
}

async function containersLabelled(label: string) {
  return localDocker().listContainers({ all: true, filters: { label: [label] } });
}

beforeAll(async () => {
  ready = await dockerReady();
  workspace = tempDir('bt-docker-');
  core = openCore(workspace);
}, 60_000);
afterAll(async () => {
  for (const service of core?.services.list() ?? []) await core.services.delete(service.name).catch(() => undefined);
  core?.close();
});

describe('environment images', () => {
  it('builds an image with live steps and a lock, reuses it, and shows the Dockerfile', async (ctx) => {
    if (!ready) return ctx.skip();
    // A private wheel, offline: the build needs no registry and its result is exact.
    const wheel = makeWheel(tempDir('bt-wheel-'), 'benchtop-docker-probe', '1.2.3', 'VALUE = "from the image"\n');
    const added = core.wheels.add(wheel);
    const env = register({
      name: 'img-env',
      docker: { baseImage: BASE_IMAGE, arguments: [] },
      python: {
        userManagedDependencies: false,
        interpreterPath: 'python',
        condaDependencies: { dependencies: ['python=3.11', { pip: [added.reference] }] },
      },
    });
    const expectedKey = core.builds.keyFor(core.environments.get('img-env').definition, 'docker').buildKey;
    // Left by an earlier test run on this engine, it would be reused (as checked below): start without it.
    await localDocker()
      .getImage(`benchtop/env:${expectedKey}`)
      .remove({ force: true })
      .catch(() => undefined);
    const first = await cli(['env', 'build', '-n', 'img-env', '--backend', 'docker', '--offline']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Step 1\/\d+ : FROM benchtop\/base:bookworm-python/);
    expect(first.stdout).toContain('Successfully installed benchtop-docker-probe-1.2.3');
    const key = /build key ([0-9a-f]{32}); image benchtop\/env:\1/.exec(first.stdout)?.[1] as string;
    expect(key, first.stdout).toBe(expectedKey);
    const image = await localDocker().getImage(`benchtop/env:${key}`).inspect();
    expect(image.Config.Labels?.['benchtop.buildKey']).toBe(key);
    expect(core.builds.info(key)?.lock).toContainEqual({ name: 'benchtop-docker-probe', version: '1.2.3' });

    const second = await cli(['--json', 'env', 'build', '-n', 'img-env', '--backend', 'docker']);
    expect(JSON.parse(second.stdout)).toMatchObject({ cached: true, buildKey: key, image: `benchtop/env:${key}` });
    const listed = await cli(['env', 'cache', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${key}\\s+docker\\s+ready\\s+\\d+(\\.\\d+)? MB\\s+\\S+\\s+img-env:1`));

    // Another workspace with the same definition finds the image by its tag and does not build.
    const other = tempDir('bt-docker-other-');
    const otherCore = openCore(other);
    otherCore.wheels.add(wheel);
    otherCore.environments.register(core.environments.get('img-env').definition);
    otherCore.close();
    const reused = await runCli(['env', 'build', '-n', 'img-env', '--backend', 'docker', '--offline'], {
      workspace: other,
    });
    expect(reused.stdout).toContain(
      `cached: the engine already has benchtop/env:${key}; recording it without building.`,
    );
    expect(reused.stdout).not.toContain('Step 1/');

    const shown = await cli(['docker', 'dockerfile', '-n', env.split(':')[0] as string, '--offline']);
    expect(shown.stdout).toMatch(/^# Generated by Benchtop/);
    expect(shown.stdout).toContain('FROM benchtop/base:bookworm-python');
    expect(shown.stdout).toContain(
      '-m pip install --no-input --no-cache-dir --no-index --find-links /opt/benchtop/build/wheels',
    );
    expect(shown.stderr).toContain(`benchtop/env:${key}`);

    // Removing the build from the cache removes its image from the engine.
    const pruned = await core.builds.prune({ buildKeys: [key] });
    expect(pruned.removed).toContain(key);
    expect(
      await localDocker()
        .getImage(`benchtop/env:${key}`)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    ).toBe(false);
  }, 600_000);

  it('a failing Dockerfile step names the step and its output; a missing base image says how to add it; nothing is kept', async (ctx) => {
    if (!ready) return ctx.skip();
    register({
      name: 'bad-step',
      docker: { baseDockerfile: `FROM ${BASE_IMAGE}\nRUN echo "compiling the thing" && exit 7\n`, arguments: [] },
      python: { userManagedDependencies: true, interpreterPath: 'python3' },
    });
    const failed = await cli(['env', 'build', '-n', 'bad-step', '--backend', 'docker']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /error: Step 2\/\d+ \(RUN echo "compiling the thing" && exit 7\) failed: The command .* returned a non-zero code: 7/,
    );
    expect(failed.stderr).toContain('compiling the thing');
    const { buildKey } = core.builds.keyFor(core.environments.get('bad-step').definition, 'docker');
    expect(core.builds.ready(buildKey)).toBeNull();
    expect(
      await localDocker()
        .getImage(`benchtop/env:${buildKey}`)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    ).toBe(false);

    register({ name: 'no-base', docker: { baseImage: 'team/cuda-python:12.4', arguments: [] } });
    const missing = await cli(['env', 'build', '-n', 'no-base', '--backend', 'docker']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'error: The base image "team/cuda-python:12.4" is not on the Docker engine at unix:///var/run/docker.sock, and Benchtop does not pull from registries.',
    );
    expect(missing.stderr).toMatch(
      /hint: Load it from a file \(benchtop docker load FILE\.tar.*scripts\/make-base-image\.sh.*Images on the engine: .*benchtop\/base:bookworm-python/,
    );
  }, 300_000);

  it('cancel stops an image build mid-step: no tag, no build container left, nothing published', async (ctx) => {
    if (!ready) return ctx.skip();
    const env = register({
      name: 'slow-img',
      docker: { baseDockerfile: `FROM ${BASE_IMAGE}\nRUN echo "slow step starting" && sleep 60\n`, arguments: [] },
      python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
    });
    const record = core.environments.get(env.split(':')[0] as string);
    const started = core.builds.start(record.definition, env, { backend: 'docker', rebuild: true });
    const job = core.jobs.get(started.job.id);
    // The step's own output line (the Dockerfile printed at the start also names it).
    await waitUntil(
      () =>
        job.output
          .text()
          .split(/\r?\n/)
          .some((line) => line.trim() === 'slow step starting'),
      60_000,
    );
    // The step's container is running (polled: the engine's list can trail the step's first output).
    let building: string[] = [];
    const seenBy = Date.now() + 15_000;
    while (!building.some((command) => command.includes('sleep 60')) && Date.now() < seenBy) {
      building = (await localDocker().listContainers({ filters: { status: ['running'] } })).map((c) => c.Command);
      if (!building.some((command) => command.includes('sleep 60'))) await new Promise((r) => setTimeout(r, 200));
    }
    expect(
      building.some((command) => command.includes('sleep 60')),
      JSON.stringify(building) + job.output.text(),
    ).toBe(true);
    core.jobs.cancel(started.job.id);
    const done = await job.done;
    expect(done.state).toBe('canceled');
    expect(
      await localDocker()
        .getImage(`benchtop/env:${started.buildKey}`)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    ).toBe(false);
    // The engine stops the step's container once the client is gone.
    const deadline = Date.now() + 30_000;
    while (
      (await localDocker().listContainers({ all: true })).some((c) => c.Command.includes('sleep 60')) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 250));
    expect((await localDocker().listContainers({ all: true })).filter((c) => c.Command.includes('sleep 60'))).toEqual(
      [],
    );
    expect(core.builds.ready(started.buildKey)).toBeNull();
  }, 120_000);

  it('lists images and the engine state; a stopped or unreachable engine is a clear error', async (ctx) => {
    if (!ready) return ctx.skip();
    const status = await cli(['--json', 'docker', 'status']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, local: true, error: null });
    const images = await cli(['docker', 'images']);
    expect(images.stdout).toMatch(/benchtop\/base:bookworm-python\s+[0-9a-f]{12}/);

    // A root filesystem tarball (what scripts/make-base-image.sh caches) is imported under a name.
    const rootfs = path.join(process.env.BENCHTOP_BASE_CACHE ?? '/var/cache/benchtop', 'rootfs-bookworm-python.tar');
    if (
      requireComponent(
        `the base image's rootfs tarball at ${rootfs} (scripts/make-base-image.sh)`,
        fs.existsSync(rootfs),
      )
    ) {
      const unnamed = await cli(['docker', 'load', rootfs]);
      expect(unnamed.code).toBe(2);
      expect(unnamed.stderr).toContain('is a root filesystem tarball, so it needs a name.');
      const imported = await cli(['docker', 'load', rootfs, '--tag', 'bt-test/rootfs:1']);
      expect(imported.stdout.trim(), imported.stderr).toBe('Loaded bt-test/rootfs:1');
      expect((await cli(['docker', 'images'])).stdout).toContain('bt-test/rootfs:1');
      await localDocker().getImage('bt-test/rootfs:1').remove({ force: true });
    }

    const down = await cli(['docker', 'status'], { DOCKER_HOST: 'unix:///tmp/no-docker-here.sock' });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      'error: No Docker engine is running at unix:///tmp/no-docker-here.sock (the socket does not exist).',
    );
    expect(down.stderr).toContain('hint: Start Docker');
    boxed('far-env');
    const build = await cli(['env', 'build', '-n', 'far-env', '--backend', 'docker'], {
      DOCKER_HOST: 'tcp://127.0.0.1:9',
    });
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('error: The Docker engine at tcp://127.0.0.1:9 refused the connection.');
  }, 120_000);
});

describe('the Azure ML SDK for images (unchanged v1 script)', () => {
  it('Environment with docker.base_image / base_dockerfile and CondaDependencies registers, build_local(useDocker=True) builds the image, and a LocalWebservice with Docker enabled is a container', async (ctx) => {
    if (!ready) return ctx.skip();
    const script = [
      'from azureml.core import Workspace, Environment',
      'from azureml.core.conda_dependencies import CondaDependencies',
      'ws = Workspace.from_config()',
      'env = Environment("sdk-image")',
      'env.docker.enabled = True',
      `env.docker.base_image = "${BASE_IMAGE}"`,
      'env.python.conda_dependencies = CondaDependencies.create(python_version="3.11", pip_packages=[])',
      'env.environment_variables = {"GREETING": "hello"}',
      'env.register(workspace=ws)',
      'print("REGISTERED", env.name, env.version)',
      'built = env.build_local(ws, useDocker=True)',
      'print("BUILT", built["image"])',
      'custom = Environment("sdk-custom")',
      `custom.docker.base_dockerfile = "FROM ${BASE_IMAGE}\\nRUN echo made-by-the-base-dockerfile > /etc/custom-marker\\n"`,
      'custom.python.user_managed_dependencies = True',
      'custom.python.interpreter_path = "/usr/bin/python3"',
      'custom.build_local(ws, useDocker=True)',
      'print("CUSTOM", custom.name, custom.version)',
      // Azure's LocalWebservice is a container: with Docker enabled, so is this one.
      'import os, json',
      'from azureml.core.model import Model, InferenceConfig',
      'from azureml.core.webservice import LocalWebservice',
      'os.makedirs("svc", exist_ok=True)',
      'open("svc/score.py", "w").write("import json\\ndef init():\\n    pass\\ndef run(raw):\\n    return open(\'/etc/custom-marker\').read().strip()\\n")',
      'open("svc/w.txt", "w").write("1")',
      'model = Model.register(ws, model_path="svc/w.txt", model_name="sdk-w")',
      'custom.docker.enabled = True',
      'service = Model.deploy(ws, "sdk-box", [model], InferenceConfig(entry_script="score.py", source_directory="svc", environment=custom), LocalWebservice.deploy_configuration())',
      'service.wait_for_deployment()',
      'print("SERVED", service.run(json.dumps({"data": []})))',
      'service.delete()',
      'again = Environment.get(ws, "sdk-image")',
      'print("GOT", again.version, again.docker.base_image, again.environment_variables)',
    ].join('\n');
    const file = path.join(tempDir('bt-sdk-img-'), 'make_env.py');
    fs.writeFileSync(file, script);
    const out = execFileSync('python3', [file], {
      cwd: path.dirname(file),
      env: {
        ...process.env,
        PYTHONPATH: path.join(process.cwd(), 'src', 'runtime'),
        BENCHTOP_WORKSPACE: workspace,
        BENCHTOP_NODE: process.execPath,
        BENCHTOP_CLI: path.join(process.cwd(), 'bin', 'benchtop.js'),
      },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(out).toContain('REGISTERED sdk-image 1');
    // The build log (or, when an earlier test run on this engine made the same image, its reuse).
    expect(out).toMatch(
      /Step 1\/\d+ : FROM benchtop\/base:bookworm-python|cached: the engine already has benchtop\/env:/,
    );
    expect(out).toMatch(/BUILT benchtop\/env:[0-9a-f]{32}/);
    expect(out).toContain('CUSTOM sdk-custom 1');
    expect(out).toContain('SERVED made-by-the-base-dockerfile');
    expect(out).toContain(`GOT 1 ${BASE_IMAGE} {'GREETING': 'hello'}`);
    const ran = await cli([
      'run',
      'submit',
      '-d',
      source({ 'm.py': 'print(open("/etc/custom-marker").read().strip())\n' }),
      '-s',
      'm.py',
      '-e',
      'sdk-custom',
      '--target',
      'docker',
      '--wait',
      '--show-output',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('made-by-the-base-dockerfile');
  }, 300_000);
});

describe('container runs', () => {
  const TRAIN = [
    'import os, sys',
    'from azureml.core import Run',
    'run = Run.get_context()',
    'print("args", sys.argv[1:], "tty", sys.stdout.isatty(), "in", os.getcwd())',
    'for i in range(3):',
    '    run.log("loss", 1.0 / (i + 1))',
    'os.makedirs("outputs", exist_ok=True)',
    'open("outputs/model.txt", "w").write("weights")',
    'model = run.register_model(model_name="boxed", model_path="outputs/model.txt", tags={"where": "container"})',
    'print("registered", model.name, model.version)',
    'print("input:", input("name? "))',
    'print("size", os.get_terminal_size().columns, os.get_terminal_size().lines)',
  ].join('\n');

  it('runs a training script in a container: arguments, a terminal that takes input, metrics and outputs', async (ctx) => {
    if (!ready) return ctx.skip();
    const env = boxed('run-env', ['--memory', '512m', '--shm-size', '256m']);
    const run = core.runs.submit({
      sourceDirectory: source({ 'train.py': TRAIN }),
      script: 'train.py',
      environment: env,
      target: 'docker',
      arguments: ['--alpha', '0.5'],
    });
    let seen = '';
    const attached = await core.runs.attach(run.id, { id: 'test', acknowledges: false, write: (d) => (seen += d) });
    seen += attached.replay;
    await waitUntil(() => seen.includes('name? '), 120_000);
    core.runs.resize(run.id, 77, 33);
    await new Promise((r) => setTimeout(r, 300));
    core.runs.input(run.id, 'container\r');
    const done = await finished(run.id);
    expect(done.status, done.reason ?? '').toBe('Completed');
    expect(seen).toContain("args ['--alpha', '0.5'] tty True in ");
    expect(seen).toContain('input: container');
    expect(seen).toContain('size 77 33');
    // run.register_model reached the host's registry from inside the container, lineage included.
    expect(seen).toContain('registered boxed 1');
    expect(core.models.get('boxed', 1)).toMatchObject({ runId: run.id, tags: { where: 'container' } });
    expect(done.target).toBe('docker');
    expect(done.metrics).toMatchObject({ loss: 1 / 3 });
    expect(fs.readFileSync(path.join(workspace, 'runs', run.id, 'outputs', 'model.txt'), 'utf8')).toBe('weights');
    expect(await containersLabelled(`benchtop.run=${run.id}`)).toEqual([]);
  }, 300_000);

  it('the default environment runs in a container once a default base image is set; before, the error says how', async (ctx) => {
    if (!ready) return ctx.skip();
    const src = source({ 'hello.py': 'import sys\nprint("python", sys.version_info[0], "in", sys.prefix)\n' });
    const refused = await cli(['run', 'submit', '-d', src, '-s', 'hello.py', '--target', 'docker', '--wait']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "Azure's default base image (mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04), which cannot be pulled here",
    );
    expect(refused.stderr).toContain('benchtop docker base-image IMAGE');
    expect((await cli(['docker', 'base-image', BASE_IMAGE])).stdout.trim()).toBe(BASE_IMAGE);
    const shown = await cli(['docker', 'dockerfile', '-n', 'Benchtop-Minimal']);
    expect(shown.stdout).toContain(`FROM ${BASE_IMAGE}`);
    const ran = await cli([
      'run',
      'submit',
      '-d',
      src,
      '-s',
      'hello.py',
      '--target',
      'docker',
      '--wait',
      '--show-output',
    ]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('python 3 in /opt/benchtop/env');
    writeSettings(core.db, { dockerDefaultBaseImage: null });
  }, 300_000);

  it('cancel stops the container: Canceled, and the container is gone', async (ctx) => {
    if (!ready) return ctx.skip();
    const env = boxed('run-env', ['--memory', '512m', '--shm-size', '256m']);
    const run = core.runs.submit({
      sourceDirectory: source({ 'slow.py': 'import time\nprint("working", flush=True)\ntime.sleep(120)\n' }),
      script: 'slow.py',
      environment: env,
      target: 'docker',
    });
    await waitUntil(() => core.runs.get(run.id).status === 'Running', 60_000);
    await waitUntil(
      () => fs.readFileSync(path.join(workspace, 'runs', run.id, 'output.log'), 'utf8').includes('working'),
      60_000,
    );
    expect((await containersLabelled(`benchtop.run=${run.id}`)).map((c) => c.State)).toEqual(['running']);
    core.runs.cancel(run.id);
    const done = await finished(run.id, 60_000);
    expect(done.status).toBe('Canceled');
    expect(await containersLabelled(`benchtop.run=${run.id}`)).toEqual([]);
  }, 120_000);

  it('a container killed for memory fails with the reason; a GPU request without an NVIDIA runtime says so', async (ctx) => {
    if (!ready) return ctx.skip();
    const small = boxed('small-env', ['--memory', '64m', '--memory-swap', '64m']);
    const hog = core.runs.submit({
      sourceDirectory: source({ 'hog.py': 'x = bytearray(400 * 1024 * 1024)\nprint("survived")\n' }),
      script: 'hog.py',
      environment: small,
      target: 'docker',
    });
    const oom = await finished(hog.id, 120_000);
    expect(oom.status).toBe('Failed');
    expect(oom.reason).toContain('The container was killed for running out of memory (limit 64 MiB).');

    const gpu = boxed('gpu-env', ['--gpus', 'all']);
    const wants = core.runs.submit({
      sourceDirectory: source({ 'g.py': 'print(1)\n' }),
      script: 'g.py',
      environment: gpu,
      target: 'docker',
    });
    const refused = await finished(wants.id, 120_000);
    expect(refused.status).toBe('Failed');
    expect(refused.reason).toMatch(
      /asks for GPUs \(--gpus all\) but the Docker engine at unix:\/\/\/var\/run\/docker\.sock has no NVIDIA runtime/,
    );
  }, 300_000);
});

describe('container services', () => {
  it('trains scikit-learn in a container, registers the output, deploys it in a container and scores it; reload, restore and delete', async (ctx) => {
    if (!ready) return ctx.skip();
    const env = register({
      name: 'sk-docker',
      docker: { baseImage: BASE_IMAGE, arguments: [] },
      python: {
        userManagedDependencies: false,
        interpreterPath: 'python',
        condaDependencies: { dependencies: ['python=3.11', 'scikit-learn', 'joblib'] },
      },
    });
    const train = [
      'import joblib, os',
      'from sklearn.linear_model import LogisticRegression',
      'X = [[0, 0], [1, 1], [0, 1], [1, 0], [2, 2], [3, 3]]',
      'y = [0, 1, 0, 0, 1, 1]',
      'os.makedirs("outputs", exist_ok=True)',
      'joblib.dump(LogisticRegression().fit(X, y), "outputs/model.pkl")',
      'print("trained")',
    ].join('\n');
    const trained = await cli([
      'run',
      'submit',
      '-d',
      source({ 'train.py': train }),
      '-s',
      'train.py',
      '-e',
      env,
      '--target',
      'docker',
      '--wait',
      '--show-output',
    ]);
    expect(trained.code, trained.stdout + trained.stderr).toBe(0);
    const runId = /Submitted (\S+)/.exec(trained.stderr)?.[1] as string;
    const registered = await cli([
      'model',
      'register',
      '-n',
      'clf',
      '--run',
      runId,
      '-p',
      'outputs/model.pkl',
      '--framework',
      'ScikitLearn',
    ]);
    expect(registered.code, registered.stderr).toBe(0);

    const deployed = await cli([
      '--json',
      'service',
      'deploy',
      '-n',
      'clf-svc',
      '-m',
      'clf',
      '-e',
      env,
      '--target',
      'docker',
    ]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const service = JSON.parse(deployed.stdout) as { port: number; state: string };
    expect(service.state).toBe('running');
    const labelled = await containersLabelled('benchtop.service=clf-svc');
    expect(labelled.map((c) => [c.State, c.Labels['benchtop.workspace']])).toEqual([['running', workspace]]);
    expect(labelled[0]?.Ports).toContainEqual(expect.objectContaining({ IP: '127.0.0.1', PublicPort: service.port }));
    const scored = await cli(['service', 'run', 'clf-svc', '--data', '{"data": [[0, 0], [3, 3]]}']);
    expect(scored.code, scored.stderr).toBe(0);
    const probabilities = JSON.parse(scored.stdout) as number[][];
    expect(probabilities[0]?.[0]).toBeGreaterThan(0.5);
    expect(probabilities[1]?.[1]).toBeGreaterThan(0.5);
    // Access log lines are written in batches (every 100 ms).
    await waitUntil(() => /POST \/score 200/.test(core.services.logs('clf-svc').text), 10_000);

    // The machine restarts (the container stops) and the app opens again: it starts the container.
    await localDocker()
      .getContainer(labelled[0]?.Id as string)
      .kill();
    await core.services.restore();
    expect((await containersLabelled('benchtop.service=clf-svc')).map((c) => c.State)).toEqual(['running']);
    expect((await core.services.score('clf-svc', '{"data": [[3, 3]]}')).status).toBe(200);
    // A container that stops while the app is open reads as failed, with why.
    const again = await containersLabelled('benchtop.service=clf-svc');
    await localDocker()
      .getContainer(again[0]?.Id as string)
      .kill();
    const shown = await cli(['service', 'show', 'clf-svc']);
    expect(shown.stdout).toMatch(
      /clf-svc: failed[\s\S]*Error: +The service's container [0-9a-f]{12} stopped \(exit code 137\)/,
    );

    const deleted = await cli(['service', 'delete', 'clf-svc']);
    expect(deleted.code).toBe(0);
    expect(await containersLabelled('benchtop.service=clf-svc')).toEqual([]);
  }, 600_000);

  it('an entry script in a container: reload picks up the new code; a taken port is refused', async (ctx) => {
    if (!ready) return ctx.skip();
    const env = boxed('svc-um');
    const weights = path.join(tempDir('bt-docker-model-'), 'k.txt');
    fs.writeFileSync(weights, '3');
    await core.models.register({ name: 'k', path: weights });
    const src = source({
      'score.py':
        'import json, os\n\ndef init():\n    global k\n    k = float(open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "k.txt")).read())\n\ndef run(raw):\n    return [x * k for x in json.loads(raw)["data"]]\n',
    });
    const deployed = await cli([
      '--json',
      'service',
      'deploy',
      '-n',
      'k-svc',
      '-m',
      'k',
      '--entry-script',
      'score.py',
      '-d',
      src,
      '-e',
      env,
      '--target',
      'docker',
    ]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const { port } = JSON.parse(deployed.stdout) as { port: number };
    expect((await core.services.score('k-svc', '{"data": [1, 2]}')).body).toBe('[3.0, 6.0]');
    fs.writeFileSync(
      path.join(src, 'score.py'),
      fs.readFileSync(path.join(src, 'score.py'), 'utf8').replace('x * k', 'x * k + 1'),
    );
    const reloaded = await cli(['service', 'reload', 'k-svc']);
    expect(reloaded.code, reloaded.stderr).toBe(0);
    expect((await core.services.score('k-svc', '{"data": [1, 2]}')).body).toBe('[4.0, 7.0]');

    // A new model version and two workers: a new container on the same port.
    fs.writeFileSync(weights, '5');
    await core.models.register({ name: 'k', path: weights });
    const before = (await containersLabelled('benchtop.service=k-svc'))[0]?.Id;
    const updated = await cli(['--json', 'service', 'update', 'k-svc', '-m', 'k:2', '--workers', '2']);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ port, models: ['k:2'], state: 'running' });
    const after = await containersLabelled('benchtop.service=k-svc');
    expect(after.map((c) => c.Id)).not.toContain(before);
    expect((await core.services.score('k-svc', '{"data": [1, 2]}')).body).toBe('[6.0, 11.0]');

    const clash = await cli([
      'service',
      'deploy',
      '-n',
      'k-two',
      '-m',
      'k',
      '--entry-script',
      'score.py',
      '-d',
      src,
      '-e',
      env,
      '--target',
      'docker',
      '--port',
      String(port),
    ]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`error: Port ${port} is already in use.`);
    await core.services.delete('k-svc');
    expect(await containersLabelled('benchtop.service=k-svc')).toEqual([]);
  }, 300_000);
});

describe('a remote engine (a second dockerd over TCP)', () => {
  it('loads a base image from a docker save file, builds and runs there; outputs and metrics come back; refused when it stops', async (ctx) => {
    if (!ready) return ctx.skip();
    const remote = await startSecondEngine();
    try {
      const saved = path.join(tempDir('bt-save-'), 'base.tar');
      await new Promise<void>((resolve, reject) => {
        localDocker()
          .getImage(BASE_IMAGE)
          .get((err: Error | null, stream?: NodeJS.ReadableStream) => {
            if (err || !stream) return reject(err);
            const out = fs.createWriteStream(saved);
            stream.pipe(out);
            out.on('finish', () => resolve());
            out.on('error', reject);
          });
      });
      expect((await cli(['docker', 'engine', remote.url])).stdout.trim()).toBe(remote.url);
      const status = JSON.parse((await cli(['--json', 'docker', 'status'])).stdout) as {
        running: boolean;
        local: boolean;
        images: number;
      };
      expect(status).toMatchObject({ running: true, local: false, images: 0 });
      const loaded = await cli(['docker', 'load', saved]);
      expect(loaded.stdout.trim()).toBe(`Loaded ${BASE_IMAGE}`);

      const env = boxed('remote-env');
      const script =
        'import os\nfrom azureml.core import Run\nrun = Run.get_context()\nrun.log("acc", 0.9)\nos.makedirs("outputs", exist_ok=True)\nopen("outputs/remote.txt", "w").write(os.uname().nodename)\nprint("ran remotely")\n';
      const submitted = await cli([
        'run',
        'submit',
        '-d',
        source({ 'r.py': script }),
        '-s',
        'r.py',
        '-e',
        env,
        '--target',
        'docker',
        '--wait',
        '--show-output',
      ]);
      expect(submitted.code, submitted.stdout + submitted.stderr).toBe(0);
      expect(submitted.stdout).toContain('ran remotely');
      const runId = /Submitted (\S+)/.exec(submitted.stderr)?.[1] as string;
      expect(core.runs.get(runId).metrics).toMatchObject({ acc: 0.9 });
      expect(
        fs.readFileSync(path.join(workspace, 'runs', runId, 'outputs', 'remote.txt'), 'utf8').length,
      ).toBeGreaterThan(0);

      const service = await cli([
        'service',
        'deploy',
        '-n',
        'remote-svc',
        '-m',
        'k',
        '--entry-script',
        'r.py',
        '-d',
        source({ 'r.py': 'def init():\n    pass\n\ndef run(raw):\n    return raw\n' }),
        '-e',
        env,
        '--target',
        'docker',
      ]);
      expect(service.code).toBe(2);
      expect(service.stderr).toContain(
        `error: Container services need a local Docker engine (the service's files are mounted), and ${remote.url} is remote.`,
      );
    } finally {
      await remote.stop();
    }
    const refused = await cli(['docker', 'status']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: The Docker engine at ${remote.url} refused the connection.`);
    writeSettings(core.db, { dockerHost: null });
  }, 600_000);
});

describe('an engine over SSH', () => {
  it('reaches the engine through ssh://USER@HOST (key from ~/.ssh), builds and runs a container there', async (ctx) => {
    if (!ready) return ctx.skip();
    const ssh = await startSshEngine();
    const viaSsh = (args: string[]) =>
      runCli(args, { workspace, env: { HOME: ssh.home, SSH_AUTH_SOCK: '' }, timeoutMs: 300_000 });
    try {
      expect((await viaSsh(['docker', 'engine', ssh.url])).stdout.trim()).toBe(ssh.url);
      const status = await viaSsh(['--json', 'docker', 'status']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ url: ssh.url, running: true, local: false });
      const env = boxed('ssh-env');
      const ran = await viaSsh([
        'run',
        'submit',
        '-d',
        source({ 's.py': 'print("over ssh", 6 * 7)\n' }),
        '-s',
        's.py',
        '-e',
        env,
        '--target',
        'docker',
        '--wait',
        '--show-output',
      ]);
      expect(ran.code, ran.stdout + ran.stderr).toBe(0);
      expect(ran.stdout).toContain('over ssh 42');
      // A user whose key the server does not accept: the error says what to do.
      const stranger = tempDir('bt-stranger-');
      fs.mkdirSync(path.join(stranger, '.ssh'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(stranger, '.ssh', 'id_ed25519')]);
      const refused = await runCli(['docker', 'status'], { workspace, env: { HOME: stranger, SSH_AUTH_SOCK: '' } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`error: SSH to ${ssh.url} failed: All configured authentication methods failed`);
      expect(refused.stderr).toContain('hint: Load your key into ssh-agent (ssh-add) or put it in ~/.ssh');
    } finally {
      ssh.stop();
      writeSettings(core.db, { dockerHost: null });
    }
  }, 300_000);
});
