/**
 * chain
 *
 * @module
 */
export {};
