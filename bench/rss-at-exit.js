// `node --import ./bench/rss-at-exit.js …`: the process's peak RSS (KiB), on stderr as it exits,
// for the benches that time a whole command in a child process.
process.on('exit', () => {
  process.stderr.write(`\nbench-max-rss-kb ${process.resourceUsage().maxRSS}\n`)
})
