/**
 * The one rule for user-visible text (credential and wallet labels, audit actions, metadata
 * strings): no NUL or other C0/C1 control characters, no bidirectional overrides or isolates
 * (which make `evil\u202Etxt.exe` read as something else), and no lone UTF-16 surrogates (which
 * PostgreSQL refuses and other tools mangle).
 */
const controlOrBidi = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** `true` when `value` holds a lone (unpaired) UTF-16 surrogate. */
export function hasLoneSurrogate(value: string): boolean {
  // String.prototype.isWellFormed is Node 20+; the engines field is >=20.11.
  return !(value as string & { isWellFormed(): boolean }).isWellFormed();
}

/** `true` when `value` is safe to store and show: see the module comment. */
export function isSafeText(value: string): boolean {
  return !controlOrBidi.test(value) && !hasLoneSurrogate(value);
}

/** `true` when `value` holds no NUL and no lone surrogate: the floor for anything sent to PostgreSQL. */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !hasLoneSurrogate(value);
}
