import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentDefinition } from '../../src/shared/environments/definition';
import { BuildStreamParser } from '../../src/main/core/docker/buildProgress';
import { containerResources, gpuRequest, parseSize } from '../../src/main/core/docker/dockerArguments';
import { fromImages, generateDockerfile } from '../../src/main/core/docker/dockerfile';
import { engineAddress, engineError } from '../../src/main/core/docker/engine';
import { isDockerSave } from '../../src/main/core/docker/imageArchive';

const def = (raw: Record<string, unknown>) => EnvironmentDefinition.parse({ name: 'e', ...raw });
const options = {
  pipRequirements: ['numpy', 'six==1.16.0'],
  baseImageFallback: 'fallback:1',
  label: 'e:1',
  offlineWheels: false,
  buildKey: 'k'.repeat(32),
  lockScript: 'print(1)\n',
};

describe('generated Dockerfiles', () => {
  it('starts from the base image, makes a venv (or a conda env when the image has a conda tool), installs pip requirements, records the lock', () => {
    const generated = generateDockerfile(
      def({
        docker: { baseImage: 'benchtop/base:bookworm-python' },
        python: { condaDependencies: { dependencies: ['python=3.11', { pip: ['six'] }] } },
      }),
      options,
    );
    const lines = generated.dockerfile.split('\n');
    expect(lines[1]).toBe('FROM benchtop/base:bookworm-python');
    expect(generated.dockerfile).toContain(
      'micromamba create -y -p /opt/benchtop/env -f /opt/benchtop/build/conda_dependencies.yml',
    );
    expect(generated.dockerfile).toContain('"$PY" /opt/benchtop/build/check_python.py "3.11"');
    expect(generated.dockerfile).toContain(
      '/opt/benchtop/env/bin/python -m pip install --no-input --no-cache-dir -r /opt/benchtop/build/requirements.txt',
    );
    expect(lines.slice(-3)).toEqual([
      `LABEL benchtop.buildKey=${'k'.repeat(32)}`,
      'RUN "/opt/benchtop/env/bin/python" -I /opt/benchtop/build/lock.py',
      '',
    ]);
    expect(generated.files['requirements.txt']).toBe('numpy\nsix==1.16.0\n');
    expect(generated.files['conda_dependencies.yml']).toContain('- python=3.11');
    expect(generated.pythonPath).toBe('/opt/benchtop/env/bin/python');
    expect(generated.baseImages).toEqual(['benchtop/base:bookworm-python']);
  });
  it('offline builds install from the wheels in the context', () => {
    expect(generateDockerfile(def({}), { ...options, offlineWheels: true }).dockerfile).toContain(
      '--no-index --find-links /opt/benchtop/build/wheels -r',
    );
  });
  it('uses a BaseDockerfile as it is; a user-managed environment adds only the lock step', () => {
    const generated = generateDockerfile(
      def({
        docker: { baseDockerfile: 'FROM a:1 AS build\nRUN make\nFROM b:2\nCOPY --from=build /x /x\r\n' },
        python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
      }),
      options,
    );
    expect(generated.dockerfile).toContain('FROM a:1 AS build\nRUN make\nFROM b:2\nCOPY --from=build /x /x\n');
    expect(generated.dockerfile).not.toContain('venv');
    expect(generated.dockerfile).toContain('RUN "/usr/bin/python3" -I /opt/benchtop/build/lock.py');
    expect(generated.pythonPath).toBe('/usr/bin/python3');
    expect(generated.baseImages).toEqual(['a:1', 'b:2']);
  });
  it('finds FROM images, leaving out scratch, build stages and build arguments', () => {
    expect(fromImages('FROM --platform=linux/amd64 x:1 AS base\nFROM base\nFROM scratch\nFROM ${IMG}\nfrom y')).toEqual(
      ['x:1', 'y'],
    );
  });
});

describe('docker arguments', () => {
  it('maps the supported docker run arguments and the shm size', () => {
    const r = containerResources({
      shmSize: '2g',
      arguments: [
        '--memory',
        '512m',
        '--cpus=1.5',
        '-e',
        'A=1',
        '--ulimit',
        'memlock=-1:-1',
        '--ipc',
        'host',
        '--gpus',
        'all',
      ],
    });
    expect(r.hostConfig).toMatchObject({
      ShmSize: 2 * 1024 ** 3,
      Memory: 512 * 1024 ** 2,
      NanoCpus: 1.5e9,
      IpcMode: 'host',
      Ulimits: [{ Name: 'memlock', Soft: -1, Hard: -1 }],
    });
    expect(r.env).toEqual(['A=1']);
    expect(r.gpus).toBe('all');
  });
  it('refuses what it does not support, by name, and values that are not sizes', () => {
    expect(() => containerResources({ arguments: ['--privileged'] })).toThrow(
      'docker.arguments: "--privileged" is not supported',
    );
    expect(() => containerResources({ arguments: ['--memory'] })).toThrow('--memory needs a value');
    expect(() => parseSize('lots', '--memory')).toThrow('"lots" is not a size');
  });
  it('turns --gpus into device requests', () => {
    expect(gpuRequest('all')).toEqual({ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] });
    expect(gpuRequest('2')).toMatchObject({ Count: 2 });
    expect(gpuRequest('"device=0,1"')).toMatchObject({ DeviceIDs: ['0', '1'] });
  });
});

describe('engine addresses and errors', () => {
  it('reads unix, tcp and ssh addresses, and DOCKER_HOST when none is set', () => {
    expect(engineAddress('unix:///run/user/1000/docker.sock', {})).toMatchObject({
      local: true,
      options: { socketPath: '/run/user/1000/docker.sock' },
    });
    expect(engineAddress(null, { DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toMatchObject({
      local: false,
      options: { host: '10.0.0.5', port: 2375, protocol: 'http' },
    });
    expect(engineAddress('tcp://gpu-box:2376', {})).toMatchObject({ options: { protocol: 'https' } });
    expect(engineAddress('ssh://ada@gpu-box', { SSH_AUTH_SOCK: '/tmp/agent' })).toMatchObject({
      local: false,
      options: { protocol: 'ssh', host: 'gpu-box', port: 22, username: 'ada' },
    });
    expect(engineAddress(null, {})).toMatchObject({ url: 'unix:///var/run/docker.sock', local: true });
    expect(() => engineAddress('ftp://x', {})).toThrow('"ftp://x" is not a Docker engine address.');
  });
  it('names the problem: no socket, refused, permission', () => {
    const local = engineAddress('unix:///nope.sock', {});
    const remote = engineAddress('tcp://h:1', {});
    expect(engineError(Object.assign(new Error('x'), { code: 'ENOENT' }), local).message).toBe(
      'No Docker engine is running at unix:///nope.sock (the socket does not exist).',
    );
    expect(engineError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), remote).message).toBe(
      'The Docker engine at tcp://h:1 refused the connection.',
    );
    expect(engineError(Object.assign(new Error('x'), { code: 'EACCES' }), local).hint).toContain('"docker" group');
  });
});

describe('the build stream', () => {
  it('reads steps into progress, keeps the lock out of the terminal, and quotes the failing step', () => {
    let shown = '';
    const steps: string[] = [];
    const parser = new BuildStreamParser(
      (t) => (shown += t),
      (step, total, text) => steps.push(`${step}/${total} ${text}`),
    );
    const lines = [
      { stream: 'Step 1/3 : FROM base' },
      { stream: '\n' },
      { stream: 'Step 2/3 : RUN pip install x\n' },
      { stream: 'Collecting x\nERROR: No matching distribution found for x\n' },
      { stream: 'BENCHTOP_LOCK {"python":"3.11.2","packages":[]}\n' },
      {
        errorDetail: { code: 1, message: "The command '/bin/sh -c pip install x' returned a non-zero code: 1" },
        error: 'x',
      },
    ];
    const text = lines.map((l) => JSON.stringify(l)).join('\r\n');
    parser.push(text.slice(0, 50));
    parser.push(text.slice(50));
    parser.end();
    expect(steps).toEqual(['1/3 FROM base', '2/3 RUN pip install x']);
    expect(parser.lock).toBe('{"python":"3.11.2","packages":[]}');
    expect(shown).not.toContain('BENCHTOP_LOCK');
    expect(parser.failure()).toEqual({
      message:
        "Step 2/3 (RUN pip install x) failed: The command '/bin/sh -c pip install x' returned a non-zero code: 1",
      output: 'Collecting x\nERROR: No matching distribution found for x',
    });
  });
});

describe('image files', () => {
  it('tells a docker save tarball from a root filesystem tarball', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-tar-'));
    fs.mkdirSync(path.join(dir, 'save', 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'save', 'blobs', 'layer'), 'x'.repeat(700));
    fs.writeFileSync(path.join(dir, 'save', 'manifest.json'), '[]');
    fs.mkdirSync(path.join(dir, 'rootfs', 'etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rootfs', 'etc', 'os-release'), 'ID=debian\n');
    execFileSync('tar', ['-C', path.join(dir, 'save'), '-cf', path.join(dir, 'save.tar'), 'blobs', 'manifest.json']);
    execFileSync('tar', ['-C', path.join(dir, 'rootfs'), '-cf', path.join(dir, 'rootfs.tar'), '.']);
    expect(isDockerSave(path.join(dir, 'save.tar'))).toBe(true);
    expect(isDockerSave(path.join(dir, 'rootfs.tar'))).toBe(false);
  });
});
