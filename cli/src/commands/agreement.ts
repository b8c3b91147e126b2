import type { Command } from 'commander';
export function agreementCommands(root: Command): void {
  void root;
}
