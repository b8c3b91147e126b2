// The token limit, checked on the raw query text before it is parsed (so an oversized document
// costs only a lexer pass), and remembered per distinct text: a partner sends the same few
// operations over and over, and re-lexing each of them would cost more than the check is worth.
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** Tokens in `query`, counting no further than `limit + 1`; -1 when it does not even lex. */
export function countTokens(query: string, limit: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) if (++count > limit) break;
  } catch {
    return -1;
  }
  return count;
}

export function tokenLimit(limit: number, remember = 1000): GatewayPlugin {
  const accepted = new Set<string>();
  return {
    onParams({ params }) {
      const query = params.query;
      if (typeof query !== 'string' || accepted.has(query)) return;
      const tokens = countTokens(query, limit);
      if (tokens > limit) {
        throw new GraphQLError(`Token limit of ${limit} exceeded: the operation has more tokens; split it or ask for fewer fields`, {
          extensions: { code: 'TOKEN_LIMIT_EXCEEDED', http: { status: 400 } },
        });
      }
      // Text that does not lex is left to the parser, which says where it breaks.
      if (tokens < 0) return;
      if (accepted.size >= remember) accepted.clear();
      accepted.add(query);
    },
  };
}
