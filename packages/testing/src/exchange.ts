/**
 * exchange
 *
 * @module
 */
export {};
