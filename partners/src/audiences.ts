// The default audience of partner tokens, alone in a module so that issuing a token (the
// `./dev-tokens` entry) does not load the verifier and the registry validation with it.
export const DEFAULT_AUDIENCE = 'gridspace-gateway';
