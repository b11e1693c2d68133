// Writes deploy/*.yaml from the code that makes the manifests (packages/cli/src/kube/manifests),
// with placeholders where `gomr start` fills in real values. Run after `npm run build`:
//   node scripts/gen-deploy-manifests.mjs          write the files
//   node scripts/gen-deploy-manifests.mjs --check  exit 1 if they are out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { dumpYaml } from '@kubernetes/client-node';
import { deployFiles } from '../packages/cli/dist/src/kube/manifests/deploy-files.js';

const root = new URL('..', import.meta.url);
const check = process.argv.includes('--check');
let stale = 0;
for (const [name, { comment, objects }] of Object.entries(deployFiles())) {
  const text = `${comment.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${objects.map((o) => `---\n${dumpYaml(o)}`).join('')}`;
  const url = new URL(`deploy/${name}`, root);
  if (check) {
    let old = '';
    try { old = readFileSync(url, 'utf8'); } catch {}
    if (old !== text) { console.error(`deploy/${name} is out of date; run node scripts/gen-deploy-manifests.mjs`); stale++; }
  } else {
    writeFileSync(url, text);
    console.log(`wrote deploy/${name}`);
  }
}
process.exit(stale ? 1 : 0);
