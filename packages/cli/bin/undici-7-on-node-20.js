// A module resolve hook, registered by spark-swarm.js on Node < 22 only. Drop this file (and the
// `undici` dependency of this package) when Node 20 is no longer supported.
//
// Why: @helia/libp2p depends on @libp2p/http, which depends on undici ^8 and imports only its
// `Agent`. undici 8 uses Node 22 APIs (zlib.createZstdDecompress, webidl's markAsUncloneable…)
// and throws on import on Node 20, so the CLI crashed before printing --help. The repository
// pins undici 7.30.2 with root `overrides`, and every test runs on that, but npm applies
// overrides only at the root of an install, never to a package's consumers. This hook gives the
// installed CLI the same combination: the bare specifier `undici` (and its subpaths), imported
// from anywhere, resolves as if imported from this package, that is, to the undici 7 this
// package depends on. Nothing else is touched; Node's own fetch does not use the undici package.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'undici' || specifier.startsWith('undici/')) {
    return nextResolve(specifier, { ...context, parentURL: import.meta.url })
  }
  return nextResolve(specifier, context)
}
