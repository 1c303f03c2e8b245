/**
 * The package as a user gets it: `npm pack` of the build in dist/ (`npm test` and
 * `npm run test:evidence` build first; the pack runs no scripts, so it never rewrites dist/ while
 * other test files run the CLI from it), installed into a new project
 * outside this checkout with no network, then docs/api.md's example test run there by vitest and
 * type-checked against the declarations the package ships. Slow (a build, a pack, an install and
 * the example's searches, a minute or two): it belongs to the slow tier, not the unit tests.
 *
 * Offline: the project's dependencies are in npm's cache from `npm ci`, but not their metadata,
 * which `npm install` needs to resolve a version range. So the new project gets a lockfile naming
 * the exact versions this checkout's package-lock.json holds, and `npm install --offline` takes
 * them from the cache. vitest and TypeScript are not dependencies of the package: the new
 * project links to this checkout's (vitest through node_modules/vitest, so that the example's
 * `import ... from 'vitest'` is the runner's own copy); fast-check comes with the package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const MARKER = '<!-- example: kafka.test.ts -->';

/** The fenced TypeScript block after the marker in docs/api.md. */
function example(): string {
  const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const at = doc.indexOf(MARKER);
  expect(at, `docs/api.md has no '${MARKER}'`).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)\n```/.exec(doc.slice(at));
  expect(block, 'a ```ts block after the marker').not.toBeNull();
  return `${block![1]}\n`;
}

/** Runs a command and gives what it printed on stdout; fails the test with all it printed when it exits non-zero. */
function run(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, timeout: 600_000, maxBuffer: 64 << 20 });
  expect(r.status, `${command} ${args.join(' ')} in ${cwd} exited ${r.status}${r.error ? ` (${r.error.message})` : ''}:\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

interface LockEntry { version: string; integrity?: string; dependencies?: Record<string, string>; dev?: boolean; devOptional?: boolean }

/** A lockfile for a project that depends on the tarball, with its dependencies at this checkout's versions. */
function lockfile(tarball: string): unknown {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const self = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string> };
  const packages: Record<string, unknown> = { '': { name: 'user-project', dependencies: { 'kafka-spec': `file:${tarball}` } } };
  packages['node_modules/kafka-spec'] = { version: self.version, resolved: `file:${tarball}`, dependencies: self.dependencies, bin: self.bin };
  for (const [path, p] of Object.entries(lock.packages)) {
    if (path === '' || p.dev === true || p.devOptional === true) continue;
    const name = path.slice('node_modules/'.length);
    packages[path] = {
      version: p.version, resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${p.version}.tgz`, integrity: p.integrity,
      ...(p.dependencies === undefined ? {} : { dependencies: p.dependencies }),
    };
  }
  return { name: 'user-project', lockfileVersion: 3, requires: true, packages };
}

describe('the packed package in a project of its own', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kafka-spec-package-'));
  const project = join(folder, 'user-project');
  let tarball = '';

  beforeAll(() => {
    if (!existsSync(join(root, 'dist/api/index.js'))) throw new Error('dist/ is not built: run npm run build first');
    const printed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], root);
    const packed = JSON.parse(printed.slice(printed.indexOf('[')) ) as { filename: string }[];
    tarball = join(folder, packed[0].filename);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'user-project', private: true, type: 'module', dependencies: { 'kafka-spec': `file:${tarball}` } }, null, 2)}\n`);
    writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lockfile(tarball), null, 2)}\n`);
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], project);
    symlinkSync(join(root, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
    writeFileSync(join(project, 'kafka.test.ts'), example());
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('holds the compiled library with its declarations, the CLI and the README, and no sources or tests', () => {
    const files = run('tar', ['tzf', tarball], folder).split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/kafka-spec.mjs', 'dist/api/index.js', 'dist/api/index.d.ts', 'dist/src/cli/main.js']));
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('spec/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('runs the example of docs/api.md with vitest, and it passes', () => {
    const out = run(process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=verbose'], project);
    expect(out).toMatch(/Tests\s+2 passed \(2\)/);
  });

  it('type-checks the example against the declarations the package ships', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false,
        types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
      },
      files: ['kafka.test.ts'],
    }));
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], project);
  });

  it('runs the command line the package installs', () => {
    const out = run(join(project, 'node_modules/.bin/kafka-spec'), ['list', '--json'], project);
    expect(JSON.parse(out).invariants.map((i: { name: string }) => i.name)).toContain('acks-all-durable');
  });
});
