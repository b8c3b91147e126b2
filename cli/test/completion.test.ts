// `gridspace completion bash|zsh`: the scripts are made from the command tree; the bash one,
// sourced in a real bash with the words of a command line, completes subcommands, options and
// their values, and file names elsewhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { completionScript } from '../src/commands/completion.js';
import { program } from '../src/commands/program.js';

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

/** What bash completes for the command line `words` (the last word is the one being completed). */
function bashCompletes(script: string, words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-completion-'));
  try {
    writeFileSync(join(dir, 'gridspace.bash'), script);
    writeFileSync(join(dir, 'a-file.csv'), '');
    const run = `source gridspace.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gridspace; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', run], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shell completion', () => {
  const bash = completionScript('bash', program(), { orgs: ['gd-grid', 'gd-drc'], states: ['OFFERED', 'FINALIZED'] });

  it('bash: subcommands, options of the command and the root, option values, file names', { skip: hasShell('bash') ? false : 'bash is not installed' }, () => {
    assert.deepEqual(bashCompletes(bash, ['gridspace', '']), ['start', 'gateway', 'token', 'id', 'agreement', 'trace', 'indices', 'completion']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', '--data-dir', '/tmp/x', 'agreement', 'f']), ['finalize']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', 'agreement', 'list', '--']), ['--as', '--state', '--data-dir', '--json', '--help']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', 'agreement', 'list', '--state', 'F']), ['FINALIZED']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', '--json', 'indices', 'export', '--as', 'gd-']), ['gd-grid', 'gd-drc']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', 'token', '']), ['gd-grid', 'gd-drc']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', 'completion', '']), ['bash', 'zsh']);
    assert.deepEqual(bashCompletes(bash, ['gridspace', 'id', 'register-batch', 'a-']), ['a-file.csv']);
  });

  it('zsh: a #compdef script zsh parses', { skip: hasShell('zsh') ? false : 'zsh is not installed' }, () => {
    const zsh = completionScript('zsh', program(), {});
    assert.match(zsh, /^#compdef gridspace\n/);
    assert.match(zsh, /'finalize:provider: finalize; data flows from now on'/);
    const result = spawnSync('zsh', ['-n'], { input: zsh, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('bash: a script bash parses, with the demo orgs when there is no registry', { skip: hasShell('bash') ? false : 'bash is not installed' }, () => {
    const script = completionScript('bash', program(), {});
    assert.match(script, /'--as'\) echo 'gd-grid gd-drc gd-stats tx-maker cable-maker hk-partner mo-partner'/);
    assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0);
  });
});
