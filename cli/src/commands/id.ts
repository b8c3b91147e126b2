import type { Command } from 'commander';
export function idCommands(root: Command): void {
  void root;
}
