import type { TaskSelector } from '@spark-swarm/protocol'
import type { Item, World } from './world.js'

/**
 * A grinding adversary: `slots` machines, each with its own inet group (so K tasks each), that
 * hold `assignees.length` identities minted once the round seed is known and keep those whose
 * tasks (by the real TaskSelector) include the target's tasks. Knowing how many honest
 * measurements each target committee will get, it attacks the cheapest committees first with
 * honest + 1 false failures each, while it has machines and identities left. It reports by the
 * index of the identity in `assignees` (version 1: station ids; version 2: participants, which
 * are not funded, see `minted.ts`).
 */
export function grind(
  world: World,
  model: number,
  assignees: readonly string[],
  slots: readonly number[],
  selector: TaskSelector,
  items: readonly Item[],
  honestTotal: Uint32Array,
  report: (identity: number, group: string, task: number) => void,
): void {
  const target = world.targets[model]
  if (!target) return
  const k = world.params.maxTasksPerNode
  // the kept identities, by index in `assignees`
  const stations: number[] = []
  const covering = new Map<number, number[]>()
  for (let j = 0; j < assignees.length; j++) {
    let kept = false
    for (const t of selector.pickIndices(assignees[j] as string, k)) {
      if ((items[t] as Item).provider !== target) continue
      if (!kept) {
        stations.push(j)
        kept = true
      }
      let list = covering.get(t)
      if (!list) {
        list = []
        covering.set(t, list)
      }
      list.push(stations.length - 1)
    }
  }
  const owner = new Int32Array(stations.length).fill(-1)
  const budget = new Int32Array(slots.length).fill(k)
  let slotsWithBudget = slots.length
  const next = new Map<number, number>()
  const order = [...covering.keys()].sort((a, b) => (honestTotal[a] as number) - (honestTotal[b] as number) || a - b)
  for (const t of order) {
    const need = (honestTotal[t] as number) + 1
    const candidates = covering.get(t) as number[]
    if (slotsWithBudget < need || candidates.length < need) continue
    let placed = 0
    let cursor = next.get(t) ?? 0
    for (let i = 0; i < slots.length && placed < need; i++) {
      if ((budget[i] as number) === 0) continue
      // an identity this machine already owns that covers t, else the next unowned one
      let pick = -1
      for (const c of candidates) {
        if (owner[c] === i) {
          pick = c
          break
        }
      }
      while (pick < 0 && cursor < candidates.length) {
        const c = candidates[cursor++] as number
        if (owner[c] === -1) {
          owner[c] = i
          pick = c
        }
      }
      if (pick < 0) break
      report(stations[pick] as number, world.slotGroup[slots[i] as number] as string, t)
      placed++
      budget[i] = (budget[i] as number) - 1
      if (budget[i] === 0) slotsWithBudget--
    }
    next.set(t, cursor)
  }
}
