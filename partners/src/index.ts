// @gridspace/partners: the partner registry.
export {};
