/**
 * contract
 *
 * @module
 */
export {};
