/**
 * Offline Clerk session tokens for tests and the development sign-in: an RS256 key pair
 * standing in for a Clerk instance and Clerk-shaped v2 session tokens, verified by
 * `@clerk/backend` exactly as production tokens are.
 *
 * @module
 */
export { type ClerkTestKeys, type MintSessionTokenOptions, createClerkTestKeys, mintForgedTokens, mintSessionToken } from "./clerk/mintSessionToken.js";
