/**
 * Test kit for wallet-auth. Prefer the subpaths (`/contract`, `/exchange`, `/chain`) so a test
 * loads only what it uses.
 *
 * @module
 */
export {};
