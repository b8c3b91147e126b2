// GraphQL through TanStack Query, always as the signed-in partner; query keys carry the org so one
// org's answers never serve another's.
import { useCallback } from 'react';
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { useSession } from '../auth/session';
import { graphql } from './gateway';

export function useGql() {
  const { accessToken } = useSession();
  return useCallback(<T,>(query: string, variables?: Record<string, unknown>, purpose?: string) => graphql<T>({ token: accessToken, query, variables, purpose }), [accessToken]);
}

export function useGatewayQuery<T>(key: unknown[], query: string, variables?: Record<string, unknown>, options: Partial<UseQueryOptions<T>> & { purpose?: string } = {}) {
  const { org } = useSession();
  const gql = useGql();
  const { purpose, ...rest } = options;
  return useQuery<T>({ queryKey: [org.id, ...key, variables ?? {}, purpose ?? ''], queryFn: () => gql<T>(query, variables, purpose), ...rest });
}

/** A mutation that refreshes every agreement view afterwards. */
export function useAgreementMutation<V extends Record<string, unknown>, T>(query: string) {
  const gql = useGql();
  const client = useQueryClient();
  return useMutation<T, Error, V>({
    mutationFn: (variables) => gql<T>(query, variables),
    onSettled: () => client.invalidateQueries(),
  });
}

export const AGREEMENT_FIELDS = 'id dataProductId offerId provider consumer state revision policy crossBorder createdAt updatedAt finalizedAt termination { by kind reason at }';

export interface Termination {
  by: string;
  kind: string;
  reason: string;
  at: string;
}

export interface Agreement {
  id: string;
  dataProductId: string;
  offerId: string | null;
  provider: string;
  consumer: string;
  state: string;
  revision: number;
  policy: unknown;
  crossBorder: unknown;
  createdAt: string;
  updatedAt: string;
  finalizedAt: string | null;
  termination: Termination | null;
}

export interface Offer {
  id: string;
  title: string | null;
  policy: unknown;
  crossBorder: unknown;
}

export interface DataProduct {
  id: string;
  version: string;
  title: string;
  description: string | null;
  provider: string;
  status: string;
  keywords: string[];
  themes: string[];
  accrualPeriodicity: string | null;
  offers: Offer[];
  publishedAt: string;
  updatedAt: string;
}
