// Distributed grep: every line matching a regular expression, keyed by its file, in file order.
// The pattern comes from `--param pattern=REGEX` or the GOMR_GREP_PATTERN environment variable;
// `--param flags=i` adds RegExp flags.
import { run, type Context } from '@gomr/sdk';

let compiled: RegExp | undefined;

function pattern(ctx: Context): RegExp {
  if (!compiled) {
    const source = ctx.params.pattern ?? process.env.GOMR_GREP_PATTERN;
    if (!source) throw new Error('grep needs a pattern: --param pattern=REGEX or GOMR_GREP_PATTERN');
    compiled = new RegExp(source, ctx.params.flags ?? '');
  }
  return compiled;
}

function mapper(ctx: Context<string>, chunk: string) {
  const re = pattern(ctx);
  for (const line of chunk.split('\n')) {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (re.test(text)) {
      ctx.emit(ctx.input, text);
      ctx.count('matching lines');
    }
  }
}

// Values of one key arrive in map-task order, and within a task in emit order: file order.
function reducer(ctx: Context<string>, key: string, lines: string[]) {
  for (const line of lines) ctx.emit(key, line);
}

run({ mapper, reducer });
