import { withHTTP } from '@helia/http'
import { createVerifiedFetch } from '@helia/verified-fetch'
import { createHeliaLight } from 'helia'

/** @helia/verified-fetch against one gateway only: no delegated routers, no public gateways, loopback allowed. */
export async function verifiedFetchFrom(gatewayUrl: string) {
  const helia = withHTTP(createHeliaLight({}), {
    recursiveGateways: [gatewayUrl],
    delegatedRouters: [],
    allowLocal: true,
    allowInsecure: true,
  })
  // helia 7 only falls back to the gateway once its other routers are done, and with no other
  // router at all it waits forever: give it one that knows nothing
  helia.addRouter({ name: 'empty', async *findProviders() {} })
  await helia.start()
  return { vfetch: await createVerifiedFetch(helia), helia }
}
