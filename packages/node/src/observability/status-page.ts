/**
 * The node's status page: one self-contained HTML document (inline CSS and JS, nothing fetched
 * but `api/status`, every 2 s). Everything shown that peers could have supplied (CIDs, miner ids,
 * result codes) goes into the DOM as text nodes or attribute values, never as markup.
 * The style and script live in their own modules so that the server can allow exactly them (CSP hashes).
 */
import { STATUS_PAGE_SCRIPT } from './status-page-script.js'
import { STATUS_PAGE_STYLE } from './status-page-style.js'

export { STATUS_PAGE_SCRIPT, STATUS_PAGE_STYLE }

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spark Swarm checker</title>
<link rel="icon" href="data:,">
<style>${STATUS_PAGE_STYLE}</style>
</head>
<body>
<header><h1>Spark Swarm checker</h1><span id="network" data-testid="network"></span><span id="conn" data-testid="connection">connecting…</span></header>
<div id="outdated" data-testid="outdated" role="alert" hidden>OUTDATED: the network says this checker is too old, so it does no work until the network accepts it again. Upgrade it.</div>
<div id="local-fault" data-testid="local-fault" role="alert" hidden></div>
<div id="params-mismatch" data-testid="params-mismatch" role="alert" hidden>PARAMS MISMATCH: the network runs on other params than this node (<span id="params-mismatch-detail" class="mono"></span>), so its committees do not confirm with its peers' until it runs on the network's params. <code>spark-swarm start</code> restarts itself on them; an app that embeds the node restarts it.</div>
<main>
<section data-testid="node"><h2>Node</h2><dl>
<dt>Peer id</dt><dd id="peer-id" class="mono" data-testid="peer-id"></dd>
<dt>Station id</dt><dd id="station-id" class="mono" data-testid="station-id"></dd>
<dt>Version</dt><dd id="version" data-testid="version"></dd>
<dt>Inet group</dt><dd><span id="inet-group" class="mono" data-testid="inet-group"></span> <span id="inet-group-source" data-testid="inet-group-source"></span></dd>
<dt>Participant</dt><dd id="participant" data-testid="participant"></dd>
<dt>Reachability</dt><dd id="reachability" data-testid="reachability"></dd>
<dt>Peers</dt><dd id="peers" data-testid="peers"></dd>
<dt>Jobs completed</dt><dd id="jobs-completed" data-testid="jobs-completed"></dd>
<dt>Store</dt><dd id="store" data-testid="store"></dd>
</dl></section>
<section data-testid="current-round"><h2>Current round</h2>
<div class="round-line"><span class="big" id="round" data-testid="round">—</span><span>ends in <strong id="countdown" data-testid="countdown">—</strong></span></div>
<progress id="round-progress" max="1" value="0"></progress>
<div class="scroll"><table id="tasks-table" data-testid="tasks-table"><thead><tr><th>Task CID</th><th>Provider</th><th>Status</th><th>Result</th></tr></thead><tbody></tbody></table></div>
</section>
<section class="wide" data-testid="rsr-section"><h2>Retrieval success rate per provider (per request)</h2>
<svg id="rsr-chart" data-testid="rsr-chart" viewBox="0 0 640 260" role="img" aria-label="Retrieval success rate per provider over the last rounds"></svg>
<div id="rsr-legend" data-testid="rsr-legend"></div>
</section>
<section data-testid="providers"><h2>Providers, last anchored round</h2>
<div class="scroll"><table id="providers-table" data-testid="providers-table"><thead><tr><th>Provider</th><th class="num">Per-request RSR</th><th class="num">Committee RSR</th><th class="num">Committee-fraction RSR</th><th class="num">Requests</th></tr></thead><tbody></tbody></table></div>
</section>
<section data-testid="summaries-section"><h2>Latest summaries</h2><ul id="summaries" data-testid="summaries"></ul></section>
<section class="wide" data-testid="committees"><h2>Committees <span id="committees-round" data-testid="committees-round"></span></h2>
<div class="scroll"><table id="committees-table" data-testid="committees-table"><thead><tr><th>Task CID</th><th>Provider</th><th class="num">Size</th><th>Majority result</th><th>This node</th><th>Confirmed (agree)</th></tr></thead><tbody></tbody></table></div>
</section>
<section class="wide" id="legend" data-testid="legend"><h2>How to read this page</h2><ul>
<li><strong>Committee</strong>: the nodes given the same task (a CID at a provider) in a round; its majority result is the network’s verdict on that task.</li>
<li><strong>Per-request RSR</strong>: the share of all the provider’s retrieval requests that succeeded (every counted measurement, minority results included).</li>
<li><strong>Committee RSR</strong>: the share of the provider’s committees whose majority result is a success (committees too small or without a majority are left out).</li>
<li><strong>Committee-fraction RSR</strong>: the mean, over the provider’s committees, of each committee’s success fraction (its OK members / its counted members).</li>
<li><strong>[lower – upper]</strong>: the 95 % Wilson score interval of a rate; hover over a rate to see it.</li>
<li><strong>n/a</strong>: no request or committee of that provider counted in the round.</li>
<li><strong>Confirmed (agree)</strong>: a strict majority of the committee’s members attested the same committee (same CID: majority and counts) as this node.</li>
</ul></section>
</main>
<script>${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`
