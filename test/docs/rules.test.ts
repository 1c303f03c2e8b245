/**
 * docs/rules.md is the catalogue of the Kafka rules the model follows; code comments cite its ids
 * (P3, H1, T0-T3, …) and invariant statements cite its property ids (S-6, T-4, …). These checks
 * keep the two in step: every id the model cites has an entry, every function the catalogue names
 * still exists where it says, the documentation's relative links resolve, and no file refers to
 * working material that is not part of the project. Fast: it only reads files.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const catalogue = read('docs/rules.md');

/** Files under `dir` (relative to the root) whose names end with one of `exts`, recursively. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(join(root, d))) {
      const path = join(d, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (exts.some((e) => name.endsWith(e))) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** The files whose citations must resolve: the model, the properties and the hand-written docs. */
function citingFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md') && f !== 'rules.md')
    .map((f) => join('docs', f));
  return [...filesUnder('spec', ['.ts', '.md']), ...filesUnder('properties', ['.ts']), 'README.md', ...docs];
}

/** Ids cited in `text`: rules (P3, and every id of a range such as F4-F7) and properties (S-6). */
function citedIds(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\b[PFHSXTELRDCOMVW]\d{1,2}\b/g)) ids.add(m[0]);
  for (const m of text.matchAll(/\b([PFHSXTELRDCOMVW])(\d{1,2})-\1(\d{1,2})\b/g)) {
    for (let n = Number(m[2]); n <= Number(m[3]); n++) ids.add(`${m[1]}${n}`);
  }
  for (const m of text.matchAll(/\b[ST]-\d{1,2}\b/g)) ids.add(m[0]);
  return ids;
}

/** The ids that have an entry: the first cell of a table row in the catalogue. */
function entryIds(): Set<string> {
  return new Set([...catalogue.matchAll(/^\|\s*([A-Z]\d{1,2}|[ST]-\d{1,2})\s*\|/gm)].map((m) => m[1]));
}

/**
 * References of the form `spec/leader.ts` `advanceHw`, `maximalIsr`: a model or property file
 * followed directly by the identifiers it defines (separated only by spaces, commas, "and", "or").
 */
function references(text: string): { file: string; names: string[] }[] {
  const pattern = /`((?:spec|properties)\/[\w./-]+\.ts)`((?:(?:\s|,|\band\b|\bor\b)*`[A-Za-z_$][\w$]*`)*)/g;
  return [...text.matchAll(pattern)].map((m) => ({ file: m[1], names: [...m[2].matchAll(/`([^`]+)`/g)].map((n) => n[1]) }));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('docs/rules.md', () => {
  it('has an entry for every rule and property id the model, the properties and the docs cite', () => {
    const entries = entryIds();
    const missing = new Map<string, string[]>();
    for (const file of citingFiles()) {
      for (const id of citedIds(read(file))) {
        if (!entries.has(id)) missing.set(id, [...(missing.get(id) ?? []), file]);
      }
    }
    const report = [...missing].sort().map(([id, files]) => `${id} (cited in ${files.join(', ')})`);
    expect(report, `ids without an entry in docs/rules.md:\n${report.join('\n')}`).toEqual([]);
  });

  it('names only files that exist and functions that occur in them', () => {
    const refs = references(catalogue);
    expect(refs.length).toBeGreaterThan(50);
    const broken: string[] = [];
    for (const { file, names } of refs) {
      if (!existsSync(join(root, file))) {
        broken.push(`${file}: no such file`);
        continue;
      }
      const source = read(file);
      for (const name of names) {
        if (!new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`).test(source)) broken.push(`${file}: no \`${name}\``);
      }
    }
    expect([...new Set(broken)], `stale references in docs/rules.md:\n${broken.join('\n')}`).toEqual([]);
  });
});

describe('docs/rules.md and the declarations', () => {
  it('lists every protocol switch, setting and bound the model declares', async () => {
    const { SWITCHES } = await import('../../spec/switches.ts');
    const { SETTINGS, BOUNDS } = await import('../../spec/config.ts');
    const text = read('docs/rules.md');
    const missing = [...Object.keys(SWITCHES), ...Object.keys(SETTINGS), ...Object.keys(BOUNDS)].filter((k) => !text.includes(`\`${k}\``));
    expect(missing, 'declared but not in docs/rules.md').toEqual([]);
  });
});

describe('documentation links', () => {
  it('resolve to files in the repository', () => {
    const pages = ['README.md', 'spec/README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    const dead: string[] = [];
    for (const page of pages) {
      for (const m of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split('#')[0];
        if (target === '' || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(root, dirname(page), target))) dead.push(`${page}: ${m[1]}`);
      }
    }
    expect(dead, `dead links:\n${dead.join('\n')}`).toEqual([]);
  });
});

describe('the repository', () => {
  it('refers to no working material outside the project', () => {
    const forbidden: readonly RegExp[] = [
      new RegExp(escape(['..', 'shared'].join('/'))),
      new RegExp(['domain', 'brief'].join('\\s+'), 'i'),
      new RegExp(escape(['domain', 'md'].join('.')), 'i'),
      /\u00a7\s*\d/, // a numbered section of a document the project does not ship
    ];
    const areas = ['README.md', 'docs', 'spec', 'src', 'properties', 'test', 'bench'];
    let files: string[];
    try {
      files = execFileSync('git', ['ls-files', '-z', '--', ...areas], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    } catch {
      files = areas.flatMap((a) => (statSync(join(root, a)).isDirectory() ? filesUnder(a, ['']) : [a]));
    }
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) {
      if (!existsSync(join(root, file))) continue; // deleted in the working tree
      read(file).split('\n').forEach((line, i) => {
        if (forbidden.some((f) => f.test(line))) offenders.push(`${relative(root, join(root, file))}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offenders, `mentions of material outside the project:\n${offenders.join('\n')}`).toEqual([]);
  });
});
