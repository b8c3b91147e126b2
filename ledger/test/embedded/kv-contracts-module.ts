/** The module the embedded ledger's simulation workers load the test contract from (kv-contract.ts). */
export const KV_CONTRACTS = new URL('./kv-contract.js', import.meta.url).href;
