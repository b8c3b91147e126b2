// How a Gridspace identifier (an industrial-internet / Handle identifier `prefix/suffix`, e.g.
// `88.188.1001/TX2026-000001`) is written where EPCIS expects an EPC, i.e. a URI.
//
// We use the `info:hdl/` form of the `info` URI scheme (RFC 4452), whose `hdl` namespace is
// registered for Handle System identifiers: `info:hdl/88.188.1001/TX2026-000001`. It names the
// object without pretending to be a resolvable web address (resolution goes through the second-
// level node's Handle REST API) and passes the GS1 schema's `uri` format check for epcList items.
//
// Encoding: the prefix is dot-separated ASCII letters/digits and stays as is; the suffix is split
// at `/` and each segment is percent-encoded with encodeURIComponent (UTF-8). Exactly one URI
// stands for each identifier: handleFromEpcUri refuses non-canonical spellings (e.g. `%41` for
// `A`), so two different EPC strings can never name the same object on the ledger.

export const GRIDSPACE_EPC_URI_PREFIX = 'info:hdl/';

const HANDLE_PREFIX = /^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$/;
// Control characters make an identifier unprintable and ambiguous in logs.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Why `handle` is not a Gridspace identifier, or undefined when it is one. */
export function handleSyntaxProblem(handle: string): string | undefined {
  const slash = handle.indexOf('/');
  if (slash < 0) return "must be 'prefix/suffix', e.g. '88.188.1001/TX2026-000001'";
  const prefix = handle.slice(0, slash);
  const suffix = handle.slice(slash + 1);
  if (!HANDLE_PREFIX.test(prefix)) return 'prefix must be dot-separated letters and digits, e.g. 88.188.1001';
  if (suffix.length === 0) return 'suffix must not be empty';
  if (CONTROL_CHARACTERS.test(suffix)) return 'suffix must not contain control characters';
  // `.` and `..` segments would be collapsed by URI normalization, changing the identifier.
  if (suffix.split('/').some((segment) => segment === '.' || segment === '..')) {
    return "suffix must not contain '.' or '..' path segments";
  }
  if (!isWellFormedUnicode(suffix)) return 'suffix must be well-formed Unicode';
  return undefined;
}

/** `88.188.1001/TX2026-000001` -> `info:hdl/88.188.1001/TX2026-000001`.
 *  Throws `INVALID_ARGUMENT: handle: <rule>` for a malformed identifier. */
export function toEpcUri(handle: string): string {
  const problem = typeof handle === 'string' ? handleSyntaxProblem(handle) : 'must be a string';
  if (problem !== undefined) throw new Error(`INVALID_ARGUMENT: handle: ${problem}`);
  const slash = handle.indexOf('/');
  const suffix = handle.slice(slash + 1).split('/').map(encodeURIComponent).join('/');
  return `${GRIDSPACE_EPC_URI_PREFIX}${handle.slice(0, slash)}/${suffix}`;
}

/** `info:hdl/88.188.1001/TX2026-000001` -> `88.188.1001/TX2026-000001`; undefined for any URI
 *  that is not the canonical EPC URI of a Gridspace identifier (e.g. a GS1 `urn:epc:id:...`). */
export function handleFromEpcUri(uri: string): string | undefined {
  if (typeof uri !== 'string' || !uri.startsWith(GRIDSPACE_EPC_URI_PREFIX)) return undefined;
  const rest = uri.slice(GRIDSPACE_EPC_URI_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  let suffix: string;
  try {
    suffix = rest.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined; // malformed percent-encoding
  }
  const handle = `${rest.slice(0, slash)}/${suffix}`;
  if (handleSyntaxProblem(handle) !== undefined) return undefined;
  return toEpcUri(handle) === uri ? handle : undefined;
}

/** The enterprise prefix (`88.188.1001`) of the identifier an EPC URI names, if it is ours. */
export function enterprisePrefixOfEpcUri(uri: string): string | undefined {
  const handle = handleFromEpcUri(uri);
  return handle === undefined ? undefined : handle.slice(0, handle.indexOf('/'));
}

function isWellFormedUnicode(text: string): boolean {
  // String.prototype.isWellFormed is Node 20+, but the ES2023 lib does not declare it.
  return !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
