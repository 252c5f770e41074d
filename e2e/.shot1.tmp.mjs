import { chromium } from '@playwright/test';
const [url, out, w, h, present] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const p = await b.newPage({ viewport: { width: Number(w), height: Number(h) } });
await p.goto(url);
await p.waitForTimeout(4000);
if (present === '1') { await p.getByRole('button', { name: /present/i }).first().click(); await p.waitForTimeout(2500); }
await p.screenshot({ path: out });
await b.close();
