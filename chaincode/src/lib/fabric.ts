// fabric-contract-api is CommonJS; Node's ESM loader sees only the exports it can detect statically
// (Contract, Context), so the decorators come from the default (module.exports) import.
import fabricContractApi from 'fabric-contract-api';
import fabricShim from 'fabric-shim';

export { Contract, Context } from 'fabric-contract-api';
export const { Transaction, Returns, Info, Param } = fabricContractApi;
export const { KeyEndorsementPolicy } = fabricShim;
