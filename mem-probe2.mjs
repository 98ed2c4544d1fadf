const fs = await import('node:fs');
const rss = () => Math.round(Number(fs.readFileSync('/proc/self/status','utf8').match(/VmRSS:\s+(\d+)/)[1])/1024);
const b = rss();
const { loadClientNodeLean } = await import('/work/main/dist/kube/lean-client-node.js');
loadClientNodeLean();
const a = rss();
await import('/work/main/dist/operator/operator.js');
globalThis.gc(); await new Promise(r=>setTimeout(r,300)); globalThis.gc();
console.log({ base: b, afterHooks: a, afterOperator: rss(), heapMB: Math.round(process.memoryUsage().heapUsed/1048576) });
