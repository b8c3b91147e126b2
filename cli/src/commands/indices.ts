import type { Command } from 'commander';
export function indicesCommands(root: Command): void {
  void root;
}
