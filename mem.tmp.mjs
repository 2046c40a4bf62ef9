import autocannon from 'autocannon';
import { BenchAuthority } from './scripts/bench-authority.mjs';
import { startApiProcess } from './scripts/bench-api.mjs';
const authority = await BenchAuthority.start();
const probe = `data:text/javascript,import {appendFileSync} from 'node:fs';setInterval(()=>{const m=process.memoryUsage();appendFileSync('/tmp/memprobe.log',JSON.stringify(Object.fromEntries(Object.entries(m).map(([k,v])=>[k,Math.round(v/2**20)])))+'\\n')},3000).unref()`;
const api = await startApiProcess({ adapter: process.argv[2] ?? 'express', cwd: process.cwd(), env: { ...authority.env(), AUTH_TOKEN_CACHE_SIZE: process.argv[3] ?? '10000' }, extraNodeArgs: ['--import', probe] });
const send = (amount) => autocannon({ url: `${api.url}/api/messages`, connections: 20, amount, requests: [{ setupRequest(r) { r.headers = { ...r.headers, authorization: `Bearer ${authority.mint('ES256')}` }; return r; } }] });
await send(1000); console.log('after 1k', (api.rssBytes() / 2 ** 20).toFixed(1));
await send(20000); console.log('after 21k', (api.rssBytes() / 2 ** 20).toFixed(1));
for (const w of [3, 6, 12, 24]) { await new Promise((r) => setTimeout(r, w * 1000 / 2)); console.log('idle', (api.rssBytes() / 2 ** 20).toFixed(1)); }
await api.stop(); await authority.close();
