// The JavaScript budgets of issue 10, on a production build: the applicant's page (track.html) at most
// 150 KB gzipped (phones on mobile data), a staff role's first page at most 600 KB: the staff entry plus
// the chunk of that role's area, each with everything it imports statically. Lazily loaded pages (the
// clerk's intake form) are not part of a first page; their totals are printed for the record.
// Builds into a temporary folder, so a served web/dist is never touched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

const KB = 1024;
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const ROLE_AREAS = {
  clerk: 'src/clerk/ClerkArea.tsx',
  department: 'src/department/DepartmentArea.tsx',
  manager: 'src/manager/ManagerArea.tsx',
  admin: 'src/admin/AdminArea.tsx',
};

let outDir: string;
let manifest: Manifest;

/** Manifest keys of the chunks loaded before `roots` can run: themselves and their static imports. */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no chunk ${key}`);
    seen.add(key);
    for (const next of chunk.imports ?? []) visit(next);
  };
  for (const root of roots) visit(root);
  return seen;
}

function gzippedJs(keys: Set<string>): number {
  let total = 0;
  for (const key of keys) {
    const file = manifest[key]!.file;
    if (file.endsWith('.js')) total += gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
  }
  return total;
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'yjs-web-build-'));
  const vite = await import('vite');
  // As services/web-build.ts builds it (under Vitest, NODE_ENV is 'test': the config still makes it a
  // production build).
  await vite.build({
    configFile: join(WEB, 'vite.config.ts'),
    root: WEB,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8'));
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('bundle budgets (gzipped JavaScript)', () => {
  it('the applicant page loads at most 150 KB, and none of the staff app', () => {
    const keys = closure(['track.html']);
    const size = gzippedJs(keys);
    console.log(`track.html: ${kb(size)} in ${keys.size} chunk(s)`);
    expect(size).toBeGreaterThan(10 * KB); // it is a real React page, not an empty build
    expect(size).toBeLessThanOrEqual(150 * KB);
    // Neither the staff entry nor any role area is reachable from the applicant's page.
    expect(keys.has('index.html')).toBe(false);
    for (const area of Object.values(ROLE_AREAS)) expect(keys.has(area)).toBe(false);
    expect(manifest['track.html']!.dynamicImports ?? []).toEqual([]);
  });

  it('the roles are split: each area is its own lazily loaded chunk of the staff entry', () => {
    const entry = manifest['index.html']!;
    expect(entry.isEntry).toBe(true);
    for (const area of Object.values(ROLE_AREAS)) {
      expect(entry.dynamicImports).toContain(area);
      expect(closure(['index.html']).has(area)).toBe(false);
    }
  });

  for (const [role, area] of Object.entries(ROLE_AREAS)) {
    it(`a ${role}'s first page loads at most 600 KB`, () => {
      const keys = closure(['index.html', area]);
      const size = gzippedJs(keys);
      console.log(`${role} first page: ${kb(size)} in ${keys.size} chunk(s)`);
      expect(size).toBeLessThanOrEqual(600 * KB);
    });
  }

  it('the clerk’s intake form (rjsf) is loaded with the intake page only', () => {
    const intake = Object.keys(manifest).find((k) => k.endsWith('src/clerk/IntakePage.tsx'));
    expect(intake).toBeDefined();
    expect(manifest[ROLE_AREAS.clerk]!.dynamicImports).toContain(intake);
    for (const area of Object.values(ROLE_AREAS))
      expect(closure(['index.html', area]).has(intake!)).toBe(false);
    console.log(`clerk intake page: ${kb(gzippedJs(closure(['index.html', ROLE_AREAS.clerk, intake!])))}`);
  });
});
