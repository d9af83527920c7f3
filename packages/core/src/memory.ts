/**
 * In-memory reference implementation of every store port, transactions included.
 *
 * @module
 */
export {};
