// Regenerates packages/proto/src/generated from proto/gomr.proto.
// `node scripts/gen-proto-types.mjs --check` fails if the committed copy is stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'packages/proto/src/generated');
const out = mkdtempSync(join(tmpdir(), 'gomr-proto-'));
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js'),
    '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--keepCase=false',
    '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js', '--includeComments',
    '-O', out, join(root, 'proto/gomr.proto'),
  ],
  { stdio: 'inherit' },
);

// The descriptor is embedded as data, so the runtime needs no .proto file on disk (bundles, images).
const protobuf = (await import('protobufjs')).default;
const parsed = protobuf.parse(readFileSync(join(root, 'proto/gomr.proto'), 'utf8'), { keepCase: false });
writeFileSync(
  join(out, 'descriptor.ts'),
  '// Generated from proto/gomr.proto by scripts/gen-proto-types.mjs; do not edit.\n' +
    `export const gomrDescriptor = ${JSON.stringify(parsed.root.toJSON(), null, 2)};\n`,
);
// Generated files name their source; keep the path relative so the check works in any clone.
for (const f of files(out)) writeFileSync(f, readFileSync(f, 'utf8').replaceAll(root, ''));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

if (process.argv.includes('--check')) {
  const fresh = files(out).map((f) => relative(out, f)).sort();
  const committed = files(target).map((f) => relative(target, f)).sort();
  const stale = fresh.filter((f) => !committed.includes(f) || readFileSync(join(out, f), 'utf8') !== readFileSync(join(target, f), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  if (stale.length || committed.length !== fresh.length) {
    console.error(`generated proto types are stale (${stale.join(', ') || 'file set differs'}); run npm run gen:proto`);
    process.exit(1);
  }
  console.log('generated proto types are up to date');
} else {
  rmSync(target, { recursive: true, force: true });
  cpSync(out, target, { recursive: true });
  rmSync(out, { recursive: true, force: true });
  console.log(`wrote ${target}`);
}
