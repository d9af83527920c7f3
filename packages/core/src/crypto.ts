/**
 * Envelope encryption: AES-256-GCM AEAD, sealed record format, key ring and rewrap.
 *
 * @module
 */
export {};
