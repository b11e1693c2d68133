import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The starter job's files that are copied as they are (packages/cli/starter, shipped in the package). */
const STARTER_DIR = fileURLToPath(new URL('../../../starter/', import.meta.url));
const COPIED = ['worker.ts', 'input/sample.txt', 'test/job.test.mjs', 'tsconfig.json'];

/** Versions the starter's package.json asks for: gomr's own, and the compiler and Node types it is built with. */
export interface StarterVersions {
  /** gomr's version: the SDK and the CLI are released together. */
  gomr: string;
  typescript: string;
  typesNode: string;
}

/** A package name from a folder name: lower case, only the characters npm allows. */
export function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return name || 'gomr-job';
}

function packageJson(name: string, v: StarterVersions): string {
  const pkg = {
    name,
    private: true,
    version: '0.1.0',
    type: 'module',
    scripts: {
      job: 'gomr run --input input/sample.txt --output output --overwrite worker.ts',
      check: 'gomr check worker.ts',
      typecheck: 'tsc',
      test: 'node --test test/job.test.mjs',
    },
    dependencies: { '@gomr/sdk': `^${v.gomr}`, gomr: `^${v.gomr}` },
    devDependencies: { '@types/node': v.typesNode, typescript: v.typescript },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

function readme(name: string): string {
  return `# ${name}
A gomr job (word count): \`npm install\`, then \`npm run job\` writes output/part-00000; \`npm test\` checks it on input/sample.txt.
Edit worker.ts; \`npm run check\` type-checks and loads it; \`npx gomr run --help\` shows the options.
`;
}

/** The files of the starter job, by path relative to its folder, in the order they are written. */
export async function starterFiles(folder: string, v: StarterVersions): Promise<Map<string, string>> {
  const name = packageName(folder);
  const files = new Map<string, string>();
  for (const path of COPIED) files.set(path, await readFile(STARTER_DIR + path, 'utf8'));
  files.set('package.json', packageJson(name, v));
  files.set('README.md', readme(name));
  // Generated, not copied: npm leaves .gitignore files out of a package.
  files.set('.gitignore', 'node_modules/\noutput/\n');
  return files;
}
