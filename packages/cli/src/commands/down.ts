import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { tearDown, type TearDownResult } from '../kube/tear-down.js';

export default class Down extends BaseCommand {
  static override summary = 'Remove what gomr created in a Kubernetes namespace.';
  static override description = `Deletes every object that carries gomr's label (app.kubernetes.io/managed-by=gomr): jobs
and their pods, services, MinIO's Deployment, job secrets. The MinIO volume and its
credentials, that is the stored inputs and outputs, are kept unless --purge, which also deletes
the namespace when gomr created it.

${EXIT_CODE_HELP}`;

  static override enableJsonFlag = true;

  static override examples = ['<%= config.bin %> down', '<%= config.bin %> down --purge --namespace gomr-test'];

  static override flags = {
    purge: Flags.boolean({ default: false, description: 'also delete the MinIO volume (all data), its credentials, and the namespace gomr created' }),
    ...kubeFlags,
  };

  async run(): Promise<{ namespace: string } & TearDownResult> {
    const { flags } = await this.parse(Down);
    const api = kubeApiFromFlags(flags);
    const result = await tearDown(api, flags.namespace, flags.purge);
    const out = { namespace: flags.namespace, ...result };
    if (this.jsonEnabled()) return out;
    for (const d of result.deleted) process.stdout.write(`deleted ${d}\n`);
    if (!result.deleted.length) process.stdout.write(`nothing of gomr's in namespace ${flags.namespace}\n`);
    if (result.kept.length) process.stdout.write(`kept ${result.kept.join(', ')}${flags.purge ? '' : ' (gomr down --purge deletes them)'}\n`);
    return out;
  }
}
