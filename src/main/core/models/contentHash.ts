import { createRequire } from 'node:module';

/** An incremental BLAKE3 digest: what model files are stored under and checked against. */
export interface ContentHasher {
  update(data: Uint8Array): void;
  hex(): string;
}

export type HasherFactory = () => Promise<ContentHasher>;

let cached: Promise<HasherFactory> | null = null;

/**
 * BLAKE3 because a 1 GB model must be hashed while it is copied at disk speed:
 * the native build hashes ~5 GB/s on one core where SHA-256 manages ~1.2 GB/s
 * (measured; see docs/benchmarks.md). Where no native build exists for the
 * platform, the WebAssembly one gives the same digests, slower.
 */
export function contentHasher(): Promise<HasherFactory> {
  cached ??= loadNative() ?? loadWasm();
  return cached;
}

function loadNative(): Promise<HasherFactory> | null {
  try {
    const load = createRequire(__filename);
    const { Blake3Hasher } = load('@napi-rs/blake-hash') as typeof import('@napi-rs/blake-hash');
    return Promise.resolve(() => {
      const hasher = new Blake3Hasher();
      return Promise.resolve({
        update: (data: Uint8Array) => void hasher.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
        hex: () => hasher.digest('hex'),
      });
    });
  } catch {
    return null;
  }
}

async function loadWasm(): Promise<HasherFactory> {
  const { createBLAKE3 } = await import('hash-wasm');
  // One instance per file: concurrent copies must not share a hasher's state (hash-wasm caches the compiled module).
  return async () => {
    const hasher = (await createBLAKE3()).init();
    return { update: (data) => void hasher.update(data), hex: () => hasher.digest('hex') };
  };
}

/** For tests: the same digests must come out of both implementations. */
export const hasherImplementations = { native: loadNative, wasm: loadWasm };
