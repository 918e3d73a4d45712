// Where uploaded materials' bytes live. Content-addressed by SHA-256: the same file uploaded twice is
// stored once, and a stored file cannot change under its name. An object store (S3, OSS) can replace
// the file system by implementing MaterialStore.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface MaterialStore {
  /** Stores the bytes and returns their SHA-256 (hex). Idempotent. */
  put(bytes: Buffer): Promise<string>;
  /** The stored bytes, or undefined when there are none under that hash. */
  open(sha256: string): Readable | undefined;
}

export class FsMaterialStore implements MaterialStore {
  constructor(private readonly root: string) {}

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256 hex digest');
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    if (existsSync(target)) return sha256;
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    // Write aside and rename: a reader never sees half a file, and concurrent puts of the same bytes agree.
    const temporary = `${target}.${randomUUID()}.part`;
    try {
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
    return sha256;
  }

  open(sha256: string): Readable | undefined {
    const path = this.pathOf(sha256);
    return existsSync(path) ? createReadStream(path) : undefined;
  }
}
