/**
 * Returns a function that maps equal strings to one shared instance (Spark's `pointerize`). A
 * round repeats the same station ids, inet groups, CIDs, addresses and result codes hundreds of
 * thousands of times; sharing them keeps a 250k-measurement round within a few hundred MB.
 */
export function createInterner(): (value: string) => string {
  const strings = new Map<string, string>()
  return (value) => {
    const known = strings.get(value)
    if (known !== undefined) return known
    strings.set(value, value)
    return value
  }
}
