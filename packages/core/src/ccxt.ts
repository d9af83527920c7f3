/**
 * Exchange gateway over ccxt (loaded lazily on first use).
 *
 * @module
 */
export {};
