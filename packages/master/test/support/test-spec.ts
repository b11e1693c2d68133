import { parseJobSpec, type JobSpec, type JobSpecInput } from '../../src/job-spec.js';

/**
 * The job spec the master's tests start from: job "job", no token, one input in/a.txt of
 * `size` bytes (default 100), both stores local at `root`, 1 map task and 1 reduce task;
 * `fields` overrides any of it. Parsed as the master parses a spec, so defaults are filled.
 */
export function testSpec(root: string, fields: Partial<JobSpecInput> & { size?: number } = {}): JobSpec {
  const { size = 100, ...rest } = fields;
  return parseJobSpec({
    jobId: 'job', token: '', inputs: [{ key: 'in/a.txt', name: 'a.txt', size }],
    inputStorage: { kind: 'local', root }, storage: { kind: 'local', root }, maps: 1, reducers: 1,
    ...rest,
  });
}
