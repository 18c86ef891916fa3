/** z for a two-sided 95 % interval. */
const Z = 1.959963984540054

export interface Interval {
  lower: number
  upper: number
}

/**
 * Wilson score interval of a proportion (`successes` of `total`) at 95 %. Unlike the normal
 * approximation it stays inside [0, 1] and behaves at 0 % and 100 %, which is where providers
 * live. Null when there are no samples.
 */
export function wilsonInterval(successes: number, total: number): Interval | null {
  if (total <= 0) return null
  const p = successes / total
  const z2 = Z * Z
  const denominator = 1 + z2 / total
  const centre = p + z2 / (2 * total)
  const margin = Z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))
  // at 0 % and 100 % the exact bound is 0 or 1; floating point would leave 1e-16 of noise
  return {
    lower: successes <= 0 ? 0 : Math.max(0, (centre - margin) / denominator),
    upper: successes >= total ? 1 : Math.min(1, (centre + margin) / denominator),
  }
}
