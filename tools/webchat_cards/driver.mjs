// Card screenshot driver: opens the Web Chat harness page (../shared/webchat) in headless
// Chromium, performs the steps and, after each step, saves a PNG of every new bot card
// (or, for a step that expects no reply, of the card whose button was clicked) and
// measures what a worker would see: the card's rendered height, buttons whose title is
// cut off with an ellipsis, and words broken across lines.
// Started by webchat_cards.py: node driver.mjs CONFIG.json
//
// CONFIG: { webchatDir, page, directline, outDir, chromium, locale, viewport, stepTimeoutMs,
//           settleMs, steps: [{ name, say | click, expect_reply }] }

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// playwright-core lives in the harness's node_modules, not in this repository.
const require = createRequire(path.join(cfg.webchatDir, 'package.json'));
const { chromium } = require('playwright-core');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[cards]', ...a);

// Runs in the page: what a card looks like to a worker.
function inspectCard(card) {
  const box = card.getBoundingClientRect();
  const truncated = [];
  for (const button of card.querySelectorAll('button')) {
    if (button.offsetParent === null) continue; // hidden (folded) buttons
    for (const el of [button, ...button.querySelectorAll('*')]) {
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible') {
        truncated.push((button.innerText || button.getAttribute('aria-label') || '').trim());
        break;
      }
    }
  }
  // A word broken mid-word: one word whose characters sit on more than one line.
  const broken = [];
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || node.parentElement.offsetParent === null) continue;
    if (node.parentElement.closest('textarea, input')) continue;
    const re = /[^\s\u2010-\u2015/-]+/gu; // words, split where a line may break by rule
    for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
      if (m[0].length < 2) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  // Clipped when the text scrolls (scrollHeight over the box); the text's own height from
  // a copy of it laid out at the box's width in the box's font (a stretched box reports
  // its own height as scrollHeight).
  const textareas = [...card.querySelectorAll('textarea')].map((t) => {
    const style = getComputedStyle(t);
    const mirror = document.createElement('div');
    for (const key of ['fontFamily', 'fontSize', 'fontWeight', 'lineHeight', 'letterSpacing', 'paddingLeft', 'paddingRight', 'paddingTop', 'paddingBottom']) {
      mirror.style[key] = style[key];
    }
    Object.assign(mirror.style, { position: 'absolute', visibility: 'hidden', whiteSpace: 'pre-wrap', overflowWrap: 'break-word', boxSizing: 'border-box', width: `${t.clientWidth}px` });
    mirror.textContent = t.value + '\n';
    document.body.appendChild(mirror);
    const text = mirror.offsetHeight;
    mirror.remove();
    return { shown: t.clientHeight, needed: text, whole: t.scrollHeight <= t.clientHeight + 2 };
  });
  return { height: Math.round(box.height), width: Math.round(box.width), truncated, broken, textareas };
}

const report = { steps: [], errors: [] };
let browser;
let exitCode = 0;
try {
  browser = await chromium.launch({ executablePath: cfg.chromium, headless: true, args: ['--no-first-run', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: cfg.viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(cfg.stepTimeoutMs);
  await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/]).*/, (route) => route.abort());
  const page = await context.newPage();
  page.on('pageerror', (e) => report.errors.push(String(e).slice(0, 300)));
  const url = `${cfg.page}?domain=${encodeURIComponent(cfg.directline)}&userID=cards&locale=${encodeURIComponent(cfg.locale)}`;
  await page.goto(url);
  await page.waitForFunction(() => window.__wc && window.__wc.status === 'connected');
  const cards = () => page.locator('article.webchat__basic-transcript__activity .ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)');
  async function settle(before, expectReply) {
    const deadline = Date.now() + cfg.stepTimeoutMs;
    let last = -1;
    let since = Date.now();
    while (Date.now() < deadline) {
      const n = await page.evaluate(() => window.__wc.activities.length);
      if (n !== last) { last = n; since = Date.now(); }
      if ((!expectReply || n > before) && Date.now() - since >= cfg.settleMs) break;
      await sleep(100);
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await sleep(300);
  }
  // The newest card's button with one of these titles, else the newest such button anywhere.
  // A button is a real button or a tile (a container with a selectAction, `.ac-selectable`).
  async function findButton(titles, newestOnly = false) {
    const names = Array.isArray(titles) ? titles : [titles];
    const scopes = [cards().last()];
    if (!newestOnly) scopes.push(page.locator('article.webchat__basic-transcript__activity'));
    for (const scope of scopes) {
      for (const name of names) {
        const found = scope.getByRole('button', { name: String(name), exact: true });
        if (await found.count()) return found.last();
        const tile = scope.locator('.ac-selectable').filter({ has: page.getByText(String(name), { exact: true }) });
        if (await tile.count()) return tile.last();
      }
    }
    return null;
  }
  // Expand `answer` steps: answer the criteria check's questions, yes to a condition for the
  // service, no to one against it, until a card without those buttons (the summary) comes.
  const steps = [{ name: 'connect', expect_reply: true }];
  for (const step of cfg.steps) {
    if (step.walk) {
      for (let k = 0; k < (step.walk.max || 9); k++) {
        steps.push({ walkOf: step.walk, slug: `${step.slug || 'question'}-${k + 1}`, optional: true });
      }
    } else if (step.answer) {
      for (let k = 0; k < (step.answer.max || 14); k++) {
        steps.push({ answerOf: step.answer, slug: `${step.slug || 'question'}-${k + 1}`, optional: true });
      }
    } else steps.push(step);
  }
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const expectReply = step.expect_reply !== false;
    const rec = { index: i, name: step.name || step.say || step.click, shots: [] };
    const before = await page.evaluate(() => window.__wc.activities.length);
    const cardsBefore = await cards().count();
    let clicked = null;
    try {
      if (step.walkOf) {
        // Answer a question card: a preferred option where the card has one, else its first
        // tile; until the card that ends the walk (its text given) has come.
        const w = step.walkOf;
        const done = await cards().last().evaluate((c, t) => c.innerText.includes(t), w.until);
        if (done) { rec.status = 'skipped'; report.steps.push(rec); continue; }
        let target = null;
        for (const name of w.prefer) {
          const tile = cards().last().locator('.ac-selectable:visible').filter({ has: page.getByText(String(name), { exact: true }) });
          if (await tile.count()) { target = tile.first(); rec.name = `${step.slug}: ${name}`; break; }
        }
        if (!target) {
          target = cards().last().locator('.ac-selectable:visible').first();
          rec.name = `${step.slug}: ${(await target.innerText()).split('\n')[0]}`;
        }
        clicked = target;
        await target.scrollIntoViewIfNeeded();
        await target.click();
      } else if (step.answerOf) {
        const a = step.answerOf;
        const yes = await findButton([a.yes], true);
        if (!yes) { rec.status = 'skipped'; report.steps.push(rec); continue; }
        // The question's kind line says whether it is a condition against the service.
        const against = await cards().last().evaluate((c, label) =>
          [...c.querySelectorAll('.ac-textBlock')].some((t) => t.innerText.trim() === label), a.against);
        step.click = against ? a.no : a.yes;
        rec.name = `${step.slug}: ${step.click}`;
      }
      // Fill the newest card's fields by their labels, as a worker does before pressing its
      // button: a date as yyyy-mm-dd, a compact choice by its title.
      for (const [label, value] of Object.entries(step.fill || {})) {
        const field = cards().last().getByLabel(String(label), { exact: false }).first();
        const tag = await field.evaluate((e) => e.tagName.toLowerCase());
        if (tag === 'select') await field.selectOption({ label: String(value) });
        else await field.fill(String(value));
      }
      if (step.say !== undefined) {
        const box = page.locator('[data-id="webchat-sendbox-input"]');
        await box.fill(String(step.say));
        await box.press('Enter');
      } else if (step.walkOf) {
        // clicked above
      } else if (step.click !== undefined) {
        clicked = await findButton(step.click);
        if (!clicked) {
          if (step.optional) { rec.status = 'skipped'; report.steps.push(rec); continue; }
          throw new Error(`no button ${JSON.stringify(step.click)}`);
        }
        await clicked.scrollIntoViewIfNeeded();
        await clicked.click();
      }
      await settle(before, expectReply);
      let targets = [];
      if (expectReply) {
        const total = await cards().count();
        for (let k = cardsBefore; k < total; k++) targets.push(cards().nth(k));
      } else if (clicked) {
        // The card the toggle or fold belongs to, as it looks now.
        targets.push(clicked.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ac-adaptiveCard ")][last()]'));
      }
      for (let k = 0; k < targets.length; k++) {
        const shot = path.join(cfg.outDir, `${String(i).padStart(2, '0')}${targets.length > 1 ? String.fromCharCode(97 + k) : ''}_${step.slug || 'step'}.png`);
        await targets[k].scrollIntoViewIfNeeded();
        const facts = await targets[k].evaluate(inspectCard);
        await targets[k].screenshot({ path: shot });
        rec.shots.push({ path: shot, ...facts });
      }
      rec.status = 'ok';
    } catch (e) {
      rec.status = 'error';
      rec.error = String(e && e.message ? e.message.split('\n')[0] : e);
      // What the page showed when the step failed, to look at.
      await page.screenshot({ path: path.join(cfg.outDir, `${String(i).padStart(2, '0')}_error.png`), fullPage: true }).catch(() => {});
      exitCode = 1;
    }
    log(`${i} ${rec.name}: ${rec.status} ${rec.shots.map((s) => s.height + 'px').join(' ')}`);
    report.steps.push(rec);
    if (rec.status !== 'ok') break;
  }
} catch (e) {
  report.errors.push(`fatal: ${String(e && e.message ? e.message.split('\n')[0] : e)}`);
  exitCode = 2;
} finally {
  fs.writeFileSync(path.join(cfg.outDir, 'cards.json'), JSON.stringify(report, null, 2));
  if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10000)]);
}
process.exit(exitCode);
