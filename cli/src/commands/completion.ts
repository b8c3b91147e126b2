// `gridspace completion bash|zsh`: a shell completion script made from the command tree itself
// (every subcommand and option, so it cannot fall behind), with the values a few options take:
// org ids (from the data folder's partner registry when there is one), agreement states, levels.
import type { Command, Option } from 'commander';

/** The demo orgs, when the data folder has no registry yet. */
const DEMO_ORGS = ['gd-grid', 'gd-drc', 'gd-stats', 'tx-maker', 'cable-maker', 'hk-partner', 'mo-partner'];

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionValues {
  /** Org ids, for --as, --consumer, --provider, --ship-to and `token <org>`. */
  orgs?: string[];
  /** Agreement states, for --state. */
  states?: string[];
}

interface Node {
  /** `''` for the root, `agreement list` for a subcommand. */
  path: string;
  description: string;
  subcommands: Array<{ name: string; description: string }>;
  options: Array<{ flags: string[]; description: string; takesValue: boolean }>;
  /** Name of the first positional argument, if any. */
  argument?: string;
}

const optionOf = (option: Option) => ({
  flags: [option.long, option.short].filter((f): f is string => Boolean(f)),
  description: option.description,
  takesValue: option.required || option.optional,
});

function nodes(command: Command, path = '', inherited: Node['options'] = []): Node[] {
  const options = [...command.options.filter((o) => !o.hidden).map(optionOf), ...inherited];
  const subcommands = command.commands.filter((c) => c.name() !== 'help');
  const node: Node = {
    path,
    description: command.description(),
    subcommands: subcommands.map((c) => ({ name: c.name(), description: c.description() })),
    options: [...options, { flags: ['--help', '-h'], description: 'show help', takesValue: false }],
    ...(command.registeredArguments[0] ? { argument: command.registeredArguments[0].name() } : {}),
  };
  // Options of the root (--data-dir, --json) apply after any subcommand too.
  const global = path === '' ? options : inherited;
  return [node, ...subcommands.flatMap((c) => nodes(c, path ? `${path} ${c.name()}` : c.name(), global))];
}

/** The values of an option or positional argument; undefined completes file names. */
function valuesOf(name: string, values: Required<CompletionValues>): string[] | undefined {
  switch (name) {
    case '--as':
    case '--consumer':
    case '--provider':
    case '--ship-to':
    case 'org':
      return values.orgs;
    case '--state':
      return values.states;
    case '--for':
      return ['gateway', 'resolver'];
    case '--period-kind':
      return ['month', 'day'];
    case '--region-level':
      return ['city', 'province', 'gba'];
    case '--industry-level':
      return ['division', 'section', 'all'];
    case 'shell':
      return [...SHELLS];
    default:
      return undefined;
  }
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** `case "$1" in 'a') ... ;; esac` lines of a shell function, one branch per key. */
const branches = (entries: Array<[string, string]>, indent: string) => entries.map(([key, body]) => `${indent}${quote(key)}) ${body} ;;`).join('\n');

/** What both scripts share: the subcommand path so far, skipping options and their values. */
function shared(tree: Node[], values: Required<CompletionValues>, cursor: { first: string; words: string }) {
  const valueFlags = [...new Set(tree.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))].sort();
  const flagsWithValues = [...new Set(tree.flatMap((n) => n.options.flatMap((o) => o.flags)))].filter((flag) => valuesOf(flag, values)).sort();
  const arguments_ = tree.filter((n) => n.argument && valuesOf(n.argument, values)).map((n) => [n.path, valuesOf(n.argument!, values)!.join(' ')] as [string, string]);
  return `_gridspace_subcommands() {
  case "$1" in
${branches(tree.filter((n) => n.subcommands.length).map((n) => [n.path, `echo ${quote(n.subcommands.map((s) => s.name).join(' '))}`]), '    ')}
  esac
}

_gridspace_options() {
  case "$1" in
${branches(tree.map((n) => [n.path, `echo ${quote(n.options.flatMap((o) => o.flags).join(' '))}`]), '    ')}
  esac
}

# Values of an option (or of the first argument of a command); nothing: file names.
_gridspace_values() {
  case "$1" in
${branches(flagsWithValues.map((flag) => [flag, `echo ${quote(valuesOf(flag, values)!.join(' '))}`]), '    ')}
${branches(arguments_.map(([path, list]) => [`arg:${path}`, `echo ${quote(list)}`]), '    ')}
  esac
}

_gridspace_takes_value() {
  case "$1" in
    ${valueFlags.map(quote).join('|')}) return 0 ;;
  esac
  return 1
}

# The subcommand path before the cursor (options and their values skipped), in _gridspace_path.
_gridspace_walk() {
  local word i skip=0 next
  _gridspace_path=''
  for ((i = ${cursor.first}; i < ${cursor.words}; i++)); do
    word="\${${cursor.words === 'CURRENT' ? 'words' : 'COMP_WORDS'}[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --*=*) continue ;;
      -*) _gridspace_takes_value "$word" && skip=1; continue ;;
    esac
    for next in $(_gridspace_subcommands "$_gridspace_path"); do
      if [[ "$word" == "$next" ]]; then _gridspace_path="\${_gridspace_path:+$_gridspace_path }$word"; break; fi
    done
  done
}`;
}

function bash(tree: Node[], values: Required<CompletionValues>): string {
  return `# bash completion for gridspace: source <(gridspace completion bash), or save it as
# ~/.local/share/bash-completion/completions/gridspace
${shared(tree, values, { first: '1', words: 'COMP_CWORD' })}

_gridspace() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" list
  _gridspace_walk
  COMPREPLY=()
  if ((COMP_CWORD > 1)) && _gridspace_takes_value "$prev"; then
    list="$(_gridspace_values "$prev")"
    if [[ -n "$list" ]]; then COMPREPLY=($(compgen -W "$list" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_gridspace_options "$_gridspace_path")" -- "$cur"))
  else
    list="$(_gridspace_subcommands "$_gridspace_path")"
    [[ -z "$list" ]] && list="$(_gridspace_values "arg:$_gridspace_path")"
    if [[ -n "$list" ]]; then COMPREPLY=($(compgen -W "$list" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  fi
}

complete -o filenames -F _gridspace gridspace
`;
}

function zsh(tree: Node[], values: Required<CompletionValues>): string {
  const described = (entries: Array<{ name: string; description: string }>) => entries.map((e) => quote(`${e.name.replace(/:/g, '\\:')}:${e.description}`)).join(' ');
  return `#compdef gridspace
# zsh completion for gridspace: source <(gridspace completion zsh) after compinit, or save it as
# _gridspace in a folder of $fpath
${shared(tree, values, { first: '2', words: 'CURRENT' })}

_gridspace_described() {
  case "$1" in
${branches(tree.filter((n) => n.subcommands.length).map((n) => [`sub:${n.path}`, `reply=(${described(n.subcommands)})`]), '    ')}
${branches(tree.map((n) => [`opt:${n.path}`, `reply=(${described(n.options.flatMap((o) => o.flags.map((name) => ({ name, description: o.description }))))})`]), '    ')}
    *) reply=() ;;
  esac
}

_gridspace() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" list
  local -a reply
  _gridspace_walk
  if ((CURRENT > 2)) && _gridspace_takes_value "$prev"; then
    list="$(_gridspace_values "$prev")"
    if [[ -n "$list" ]]; then compadd -- \${=list}; else _files; fi
  elif [[ "$cur" == -* ]]; then
    _gridspace_described "opt:$_gridspace_path"
    _describe -t options option reply
  else
    _gridspace_described "sub:$_gridspace_path"
    if ((\${#reply})); then
      _describe -t commands command reply
    else
      list="$(_gridspace_values "arg:$_gridspace_path")"
      if [[ -n "$list" ]]; then compadd -- \${=list}; else _files; fi
    fi
  fi
}

if [[ "\${funcstack[1]}" == _gridspace ]]; then _gridspace "$@"; else compdef _gridspace gridspace; fi
`;
}

/** The completion script of `root` for `shell`. */
export function completionScript(shell: Shell, root: Command, values: CompletionValues = {}): string {
  const all = { orgs: values.orgs?.length ? values.orgs : DEMO_ORGS, states: values.states ?? [] };
  const tree = nodes(root);
  return shell === 'bash' ? bash(tree, all) : zsh(tree, all);
}
