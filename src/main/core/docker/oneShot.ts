import type Docker from 'dockerode';

/** Runs one command in a throwaway container and returns what it printed (a terminal, so stdout and stderr in order). */
export async function runOnce(
  docker: Docker,
  image: string,
  cmd: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    Tty: true,
    Entrypoint: [],
    HostConfig: { NetworkMode: 'none' },
    Labels: { 'benchtop.kind': 'probe' },
  });
  try {
    // Attached before the start so no output is missed; read raw (logs() would parse JSON output as JSON).
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
    });
    await container.start();
    const timer = setTimeout(() => void container.kill().catch(() => undefined), options.timeoutMs ?? 60_000);
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
    return { exitCode: StatusCode, output: Buffer.concat(chunks).toString('utf8') };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
