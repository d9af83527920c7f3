/**
 * Chain gateway over viem.
 *
 * @module
 */
export {};
