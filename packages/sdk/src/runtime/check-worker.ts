/**
 * `node check-worker.js BUNDLE`: loads a bundled worker file the way the runtime does and
 * prints one JSON line: {"ok":true,"reducer":bool,"combiner":bool,"partitioner":bool,"input":MODE} or {"ok":false,"error":"..."}.
 * The CLI runs it before starting anything, in a child process so user code cannot hurt the CLI.
 */
import { loadDefinition } from './load-definition.js';

const bundle = process.argv[2];
if (!bundle) {
  process.stdout.write(JSON.stringify({ ok: false, error: 'usage: check-worker BUNDLE' }) + '\n');
  process.exit(2);
}
loadDefinition(bundle).then(
  (def) => {
    process.stdout.write(JSON.stringify({ ok: true, reducer: !!def.reducer, combiner: !!def.combiner, partitioner: !!def.partitioner, input: def.input ?? 'text' }) + '\n');
    process.exit(0);
  },
  (err: Error) => {
    process.stdout.write(JSON.stringify({ ok: false, error: err.message }) + '\n');
    process.exit(1);
  },
);
