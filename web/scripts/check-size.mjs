#!/usr/bin/env node
// Bundle budget: the JavaScript a first visit loads (the entry script of dist/index.html
// and every chunk it preloads or statically imports), gzip-compressed, must stay within
// BUDGET_KB (default 80). Lazily loaded route chunks do not count. Fails the build above it.
//
//   node scripts/check-size.mjs            after `vite build`
//   BUDGET_KB=70 node scripts/check-size.mjs

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const budgetKb = Number(process.env.BUDGET_KB || 80);
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const start = new Set();
for (const m of html.matchAll(/<script[^>]*\bsrc="\/?([^"]+\.js)"/g)) start.add(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/?([^"]+\.js)"/g)) start.add(m[1]);
if (start.size === 0) {
  console.error('check-size: no entry script in dist/index.html');
  process.exit(2);
}

// follow static imports (`import … from "./x.js"` / `import "./x.js"`), not dynamic import()
const seen = new Set();
const queue = [...start];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  for (const m of code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    queue.push(join(dirname(file), m[1]).replace(/\\/g, '/'));
  }
}

let total = 0;
const rows = [];
for (const file of seen) {
  const gz = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += gz;
  rows.push([file, gz]);
}
rows.sort((a, b) => b[1] - a[1]);
for (const [file, gz] of rows) console.log(`check-size: ${(gz / 1024).toFixed(1).padStart(6)} KB gz  ${file}`);
const kb = total / 1024;
console.log(`check-size: initial JS ${kb.toFixed(1)} KB gzip (budget ${budgetKb} KB)`);
if (kb > budgetKb) {
  console.error(`check-size: FAIL — initial JS is ${kb.toFixed(1)} KB gzip, over the ${budgetKb} KB budget`);
  process.exit(1);
}
