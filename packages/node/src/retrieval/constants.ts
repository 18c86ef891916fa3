/*
 * Defaults of the retrieval check, in one place. Values marked "Spark" are spark-checker's
 * (lib/constants.js, lib/spark.js @3c5219c); changing them changes what a measurement means.
 */

/** Spark: abort when no progress (connection, headers, a byte) was made for 60 s. */
export const IDLE_TIMEOUT_MS = 60_000
/** Spark (v1.19.0, issue #99 "ghost mode"): abort any retrieval after 90 s. */
export const HARD_TIMEOUT_MS = 90_000
/** Spark: the HEAD probe gives up after 10 s. */
export const HEAD_TIMEOUT_MS = 10_000
/** Spark: responses over 200 MiB are CAR_TOO_LARGE. */
export const MAX_CAR_BYTES = 200 * 1024 * 1024

/** Spark retries IPNI 5 times, only on 5xx. */
export const IPNI_RETRIES = 5
export const IPNI_MIN_BACKOFF_MS = 1_000
export const IPNI_MAX_BACKOFF_MS = 10_000
/** Spark has no IPNI timeout; one hung request must not stall a node forever. */
export const IPNI_ATTEMPT_TIMEOUT_MS = 30_000
/** A cid.contact answer for a popular CID is a few hundred KiB; more is not an answer we read. */
export const IPNI_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** Spark: 5 attempts within 60 s (Spark's result-code table: "RPC Failure"). */
export const RPC_RETRIES = 5
export const RPC_MIN_BACKOFF_MS = 1_000
export const RPC_MAX_BACKOFF_MS = 10_000
export const RPC_TOTAL_TIMEOUT_MS = 60_000
/** One hung attempt must not use up the whole budget (Spark's result-code table: "timeout-bound attempts"). */
export const RPC_ATTEMPT_TIMEOUT_MS = 20_000
export const RPC_MAX_RESPONSE_BYTES = 1024 * 1024

/**
 * Checks run at once. Each may hold up to MAX_CAR_BYTES in memory, so the worst case is
 * concurrency × 200 MiB; root blocks are usually ≤ 1 MiB, and the operator can raise it.
 */
export const CHECK_CONCURRENCY = 2

/** Hashing yields to the event loop after each slice, so a 200 MiB block never blocks it. */
export const HASH_SLICE_BYTES = 1024 * 1024
