/** Appends `value` to the list under `key`, creating it; returns that list. Keeps first-seen key order. */
export function pushToGroup<K, V>(groups: Map<K, V[]>, key: K, value: V): V[] {
  const list = groups.get(key)
  if (list) {
    list.push(value)
    return list
  }
  const created = [value]
  groups.set(key, created)
  return created
}
