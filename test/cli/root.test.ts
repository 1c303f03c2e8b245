/**
 * The project root is found the same way from the TypeScript sources and from the compiled
 * JavaScript under dist/, which sits two folders deeper.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '../../src/cli/root.ts';

const root = join(import.meta.dirname, '../..');

describe('projectRoot', () => {
  it('finds the folder with package.json from src/cli and from dist/src/cli', () => {
    expect(projectRoot()).toBe(root);
    expect(projectRoot(join(root, 'src/cli'))).toBe(root);
    expect(projectRoot(join(root, 'dist/src/cli'))).toBe(root);
  });
});
