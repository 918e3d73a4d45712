// Builds the browser UI (web/ -> web/dist) with Vite when its sources changed, so `npm install && npm start`
// serves the UI with no extra command and a restart with nothing changed starts at once. "Changed" is a
// hash over web/ (without dist), the Vite config and package-lock.json, kept in web/dist/.build-hash.
// Also `npm run build:web`.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['dist', 'node_modules', '.vite']);

export interface WebBuildOptions {
  /** The project folder (default: this checkout). */
  project?: string;
  log?: (message: string) => void;
}

export interface WebBuild {
  /** web/dist when a built UI is there, else undefined. */
  dist?: string;
  /** True when this call ran Vite. */
  built: boolean;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !SKIP.has(e.name) && !e.name.startsWith('.dist-'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** The hash of everything a build depends on: web/ sources and config, and the locked dependencies. */
export function sourceHash(project = PROJECT): string {
  const hash = createHash('sha256');
  const inputs = [...files(join(project, 'web')), join(project, 'package-lock.json')];
  for (const file of inputs.filter((f) => existsSync(f))) {
    hash.update(relative(project, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export async function ensureWebBuilt(options: WebBuildOptions = {}): Promise<WebBuild> {
  const project = options.project ?? PROJECT;
  const log = options.log ?? ((m: string) => console.log(m));
  const web = join(project, 'web');
  const config = join(web, 'vite.config.ts');
  const dist = join(web, 'dist');
  if (!existsSync(config)) {
    log(
      `Web UI: no ${relative(project, config)} in this checkout, so no UI to build (serving the API only).`,
    );
    return { built: false };
  }
  const hash = sourceHash(project);
  const stampFile = join(dist, '.build-hash');
  if (
    existsSync(join(dist, 'index.html')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === hash
  ) {
    return { dist, built: false };
  }
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log('Web UI: sources changed but Vite is not installed (npm install without --omit=dev builds it).');
    return existsSync(join(dist, 'index.html')) ? { dist, built: false } : { built: false };
  }
  log('Web UI: building web/ with Vite (sources changed since the last build)…');
  const started = Date.now();
  // Build beside dist and swap it in, so a half-finished build never replaces a working one.
  const next = join(web, `.dist-next-${process.pid}`);
  rmSync(next, { recursive: true, force: true });
  // Vite keeps a NODE_ENV it finds (vitest sets 'test'), and React then builds its development JSX
  // runtime: a production build needs NODE_ENV=production while it runs.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({
      configFile: config,
      root: web,
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: next, emptyOutDir: true },
    });
    writeFileSync(join(next, '.build-hash'), hash);
    const old = join(web, `.dist-old-${process.pid}`);
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(next, dist);
    rmSync(old, { recursive: true, force: true });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(next, { recursive: true, force: true });
  }
  log(`Web UI: built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { dist, built: true };
}

/** web/dist of this checkout. */
export const defaultWebDist = () => join(PROJECT, 'web', 'dist');

// `npm run build:web`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await ensureWebBuilt();
  if (!result.built) console.log(result.dist ? 'Web UI: up to date.' : 'Web UI: nothing built.');
}
