import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { requireComponent, tempDir } from './workspace';

/** The base image CI makes with scripts/make-base-image.sh (python3 + venv + pip from Debian). */
export const BASE_IMAGE = process.env.BENCHTOP_TEST_BASE_IMAGE ?? 'benchtop/base:bookworm-python';

export const localDocker = () =>
  new Docker({ socketPath: (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '') });

/**
 * The Docker suites need a running engine with the base image; under CI=true a missing one
 * fails the suite (requireComponent), elsewhere the suite is skipped.
 */
export async function dockerReady(): Promise<boolean> {
  const docker = localDocker();
  const running = await docker.ping().then(
    () => true,
    () => false,
  );
  if (!requireComponent('A running Docker engine (start dockerd; .ci/run does)', running)) return false;
  const base = await docker
    .getImage(BASE_IMAGE)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  return requireComponent(`The base image ${BASE_IMAGE} (make it: scripts/make-base-image.sh)`, base);
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A second, separate dockerd (own data, socket, TCP port and bridge) standing in for a remote
 * engine. Needs root, like the local engine does here. It gets a bridge of its own: a dockerd
 * told `--bridge none` deletes the host's docker0, breaking the first engine.
 */
export async function startSecondEngine(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = tempDir('bt-dockerd-');
  const port = await freeTcpPort();
  const bridge = `btr${port}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
  ip('link', 'add', 'name', bridge, 'type', 'bridge');
  ip('addr', 'add', `172.31.${port % 250}.1/24`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      path.join(dir, 'dockerd.pid'),
      '-H',
      `unix://${path.join(dir, 'docker.sock')}`,
      '-H',
      `tcp://127.0.0.1:${port}`,
      '--bridge',
      bridge,
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  const url = `tcp://127.0.0.1:${port}`;
  const remote = new Docker({ host: '127.0.0.1', port, protocol: 'http' });
  const deadline = Date.now() + 60_000;
  while (
    !(await remote.ping().then(
      () => true,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(
        `the second dockerd did not start:\n${fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      try {
        execFileSync('umount', ['-R', path.join(dir, 'data')], { stdio: 'ignore' });
      } catch {
        // Nothing mounted.
      }
      fs.rmSync(dir, { recursive: true, force: true });
      ip('link', 'delete', bridge);
    },
  };
}

/**
 * An sshd on 127.0.0.1 (own host key, one authorized client key, root) whose `docker system
 * dial-stdio` reaches this machine's engine: an ssh:// engine as a GPU box would offer it. The
 * client key lives in `home/.ssh` (give the CLI HOME=home).
 */
export async function startSshEngine(): Promise<{ url: string; home: string; stop: () => void }> {
  const sshd = '/usr/sbin/sshd';
  if (!requireComponent('OpenSSH server (apt-get install openssh-server)', fs.existsSync(sshd)))
    throw new Error('no sshd');
  const dir = tempDir('bt-sshd-');
  const home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(home, '.ssh', 'id_ed25519')]);
  fs.copyFileSync(path.join(home, '.ssh', 'id_ed25519.pub'), path.join(dir, 'authorized_keys'));
  fs.mkdirSync('/run/sshd', { recursive: true });
  const port = await freeTcpPort();
  const options = [
    'ListenAddress=127.0.0.1',
    `AuthorizedKeysFile=${path.join(dir, 'authorized_keys')}`,
    'PermitRootLogin=prohibit-password',
    'PasswordAuthentication=no',
    'KbdInteractiveAuthentication=no',
    'UsePAM=no',
    'StrictModes=no',
    `PidFile=${path.join(dir, 'sshd.pid')}`,
  ];
  const log = fs.openSync(path.join(dir, 'sshd.log'), 'a');
  const child = spawn(
    sshd,
    [
      '-D',
      '-e',
      '-f',
      '/dev/null',
      '-p',
      String(port),
      '-h',
      path.join(dir, 'host_key'),
      ...options.flatMap((o) => ['-o', o]),
    ],
    { stdio: ['ignore', log, log] },
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`sshd did not start:\n${fs.readFileSync(path.join(dir, 'sshd.log'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `ssh://root@127.0.0.1:${port}`,
    home,
    stop: () => {
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
