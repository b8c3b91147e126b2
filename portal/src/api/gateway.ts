// The gateway's GraphQL endpoint, called with the signed-in partner's token. Refusals come back as
// GraphQL errors with a stable code; the portal turns them into sentences (see ui/Refusal).
import { config } from '../config';

export interface GatewayErrorEntry {
  message: string;
  extensions?: { code?: string; dataProduct?: string; agreementId?: string; [key: string]: unknown };
}

export class GatewayError extends Error {
  constructor(
    readonly errors: GatewayErrorEntry[],
    readonly status: number,
  ) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'GatewayError';
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export interface GraphQLCall {
  token: string;
  query: string;
  variables?: Record<string, unknown>;
  /** The purpose of use the caller declares (x-gridspace-purpose), for data products. */
  purpose?: string;
  signal?: AbortSignal;
}

/** Called when the gateway says the token is no longer good: the session dialog takes over. */
let onUnauthenticated: () => void = () => undefined;
export const setUnauthenticatedHandler = (handler: () => void) => (onUnauthenticated = handler);

export async function graphql<T>(call: GraphQLCall): Promise<T> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    authorization: `Bearer ${call.token}`,
    'x-gridspace-csrf': '1',
  };
  if (call.purpose) headers['x-gridspace-purpose'] = call.purpose;
  const response = await fetch(config().gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: call.query, variables: call.variables ?? {} }), signal: call.signal });
  let body: { data?: T | null; errors?: GatewayErrorEntry[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GatewayError([{ message: `the gateway answered HTTP ${response.status} without a GraphQL response`, extensions: { code: 'GATEWAY_UNAVAILABLE' } }], response.status);
  }
  if (body.errors?.length) {
    const error = new GatewayError(body.errors, response.status);
    if (error.code === 'UNAUTHENTICATED') onUnauthenticated();
    throw error;
  }
  return body.data as T;
}
