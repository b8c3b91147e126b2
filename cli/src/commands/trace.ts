import type { Command } from 'commander';
export function traceCommands(root: Command): void {
  void root;
}
