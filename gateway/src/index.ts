// @gridspace/gateway: the federated GraphQL gateway.
export {};
