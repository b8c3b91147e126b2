// Prometheus metrics of the gateway (prom-client, its own registry so tests can run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gridspace_gateway_' });
  return {
    registry,
    requests: new Counter({ name: 'gridspace_gateway_requests_total', help: 'HTTP requests by status', labelNames: ['status'], registers: [registry] }),
    latency: new Histogram({
      name: 'gridspace_gateway_request_duration_seconds',
      help: 'Request latency',
      labelNames: ['status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    decisions: new Counter({ name: 'gridspace_gateway_decisions_total', help: 'Agreement decisions by code (ALLOWED or a refusal code)', labelNames: ['code', 'data_product'], registers: [registry] }),
    receipts: new Counter({ name: 'gridspace_gateway_receipts_total', help: 'Usage receipts by outcome', labelNames: ['outcome'], registers: [registry] }),
    refusedRequests: new Counter({ name: 'gridspace_gateway_refused_total', help: 'Requests refused before execution, by code', labelNames: ['code'], registers: [registry] }),
    subgraphs: new Gauge({ name: 'gridspace_gateway_subgraphs', help: 'Subgraphs by composition state', labelNames: ['state'], registers: [registry] }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;
