import { Help, type Command } from '@oclif/core';

/**
 * Root help in the order a user meets the commands: a job on this machine and how to follow it
 * first, then the Kubernetes commands, then the rest (shell completion, help). Within a group,
 * the order below; a command in no group (a plugin's) goes last.
 */
export const COMMAND_GROUPS: ReadonlyArray<{ title: string; ids: readonly string[] }> = [
  { title: 'COMMANDS', ids: ['run', 'status', 'replay', 'jobs', 'ui', 'init', 'check'] },
  { title: 'KUBERNETES COMMANDS', ids: ['start', 'attach', 'logs', 'output', 'down', 'build'] },
];

export default class GomrHelp extends Help {
  protected override async showRootHelp(): Promise<void> {
    this.log(this.formatRoot());
    this.log('');
    const commands = this.sortedCommands.filter((c) => c.id && (this.opts.all || !c.id.includes(':')));
    const placed = new Set<string>();
    const sections: Array<{ title: string; commands: Command.Loadable[] }> = COMMAND_GROUPS.map((g) => ({
      title: g.title,
      commands: g.ids.flatMap((id) => {
        const c = commands.find((x) => x.id === id);
        if (c) placed.add(id);
        return c ? [c] : [];
      }),
    }));
    sections.push({ title: 'OTHER COMMANDS', commands: commands.filter((c) => !placed.has(c.id)) });
    for (const s of sections) {
      if (!s.commands.length) continue;
      this.log(this.formatCommands(s.commands).replace('COMMANDS', s.title));
      this.log('');
    }
  }
}
