import type { Command } from 'commander';

/**
 * Commander's error text as one line: what was wrong, then its suggestion of the
 * closest name, or where the help is when it has none.
 */
export function usageLine(commanderMessage: string, commandPath: string): string {
  const [what = '', ...rest] = commanderMessage.replace(/^error: /, '').trim().split('\n');
  const suggestion = rest.join(' ').match(/^\(Did you mean (.+)\?\)$/)?.[1];
  return `failure-digest: ${what.replace(/\.$/, '')} (${suggestion ? `did you mean ${suggestion}?` : `see ${commandPath} --help`})`;
}

/**
 * Gives every command of the tree an error writer that knows its own path, so that
 * `failure-digest reprocess` without --from points at `failure-digest reprocess --help`.
 * Call once all commands are added: each command keeps the output settings it had when it was made.
 */
export function oneLineUsageErrors(program: Command, write: (line: string) => void): void {
  const visit = (command: Command, path: string): void => {
    command.configureOutput({ outputError: (text) => write(usageLine(text, path)) });
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`);
  };
  visit(program, program.name());
}
