import { WalletAuthError } from "../../errors/index.js";
import type { MemoryState } from "../MemoryState.js";

/**
 * Runs one statement against the state: serialised, atomic (rolled back if it throws), and
 * inside the caller's transaction when there is one.
 */
export type Exec = <T>(fn: (state: MemoryState) => T) => Promise<T>;

/**
 * Throws what a PostgreSQL foreign key violation maps to when `userId` has no user row.
 * @throws WalletAuthError `NOT_FOUND`
 */
export function requireUser(state: MemoryState, userId: string): void {
  if (!state.users.has(userId)) throw new WalletAuthError("NOT_FOUND", { reason: "user-missing" });
}
