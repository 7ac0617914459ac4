// Renders every page of the built slides in Debian's Chromium, headless and offline, and
// checks from the rendered DOM what a reader would see: every code block present and not
// empty, every SVG figure loaded, every speaker-notes block opening when clicked, no
// include-error text, and nothing requested from the network. Keeps a screenshot of each
// chapter's first page.
//
//     node scripts/browser/check-slides.mjs BOOK_DIR SCREENSHOT_DIR CHROMIUM
//
// Run by scripts/slides-check, which installs playwright-core (the browser driver only,
// no browser of its own) beside it under target/.

import { chromium } from "playwright-core";
import { mkdtempSync, readdirSync, statSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";

const [book, shots, executable] = process.argv.slice(2);
if (!book || !shots || !executable) {
  console.error("usage: check-slides.mjs BOOK_DIR SCREENSHOT_DIR CHROMIUM");
  process.exit(2);
}

// The chapters: every folder of the book with an index.html (00-hello, …, intro).
const chapters = readdirSync(book)
  .filter((name) => statSync(join(book, name)).isDirectory())
  .filter((name) => readdirSync(join(book, name)).includes("index.html"))
  .sort();
const pages = (chapter) =>
  readdirSync(join(book, chapter))
    .filter((name) => name.endsWith(".html"))
    .sort((a, b) => (a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)));

const profile = mkdtempSync(join(tmpdir(), "slides-check-"));
mkdirSync(shots, { recursive: true });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const problems = [];
let checked = 0;
try {
  for (const chapter of chapters) {
    let blocks = 0, figures = 0, notes = 0;
    for (const name of pages(chapter)) {
      const file = join(book, chapter, name);
      const at = relative(book, file);
      const page = await context.newPage();
      // Offline: anything but a file of the book is refused, and counted.
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file://")) return route.continue();
        problems.push(`${at}: requested ${url}`);
        return route.abort();
      });
      await page.goto("file://" + file, { waitUntil: "load" });
      const seen = await page.evaluate(async () => {
        const codes = [...document.querySelectorAll("main pre code")].map(
          (code) => code.textContent.trim().length,
        );
        const images = [...document.querySelectorAll('main img[src$=".svg"]')];
        await Promise.all(images.map((img) => img.decode().catch(() => {})));
        return {
          codes,
          figures: images.map((img) => [img.getAttribute("src"), img.naturalWidth]),
          text: document.querySelector("main")?.innerText ?? "",
          details: document.querySelectorAll("main details").length,
        };
      });
      if (seen.codes.some((length) => length === 0)) {
        problems.push(`${at}: an empty code block (an include that found nothing?)`);
      }
      for (const [src, width] of seen.figures) {
        if (!(width > 0)) problems.push(`${at}: the figure ${src} did not load`);
      }
      if (/\{\{#(include|rustdoc_include)/.test(seen.text)) {
        problems.push(`${at}: an include directive shows as text`);
      }
      if (/Unable to|Error (reading|opening)|No such file/i.test(seen.text)) {
        problems.push(`${at}: error text on the page`);
      }
      // Each speaker-notes block opens when its summary is clicked, and shows something.
      const summaries = page.locator("main details > summary");
      for (let i = 0; i < (await summaries.count()); i++) {
        await summaries.nth(i).click();
      }
      const opened = await page.evaluate(() =>
        [...document.querySelectorAll("main details")].map(
          (d) => d.open && d.innerText.trim().length > d.querySelector("summary").innerText.length,
        ),
      );
      if (opened.some((open) => !open)) problems.push(`${at}: a notes block did not open`);
      if (name === "index.html") {
        await page.screenshot({ path: join(shots, `${chapter}.png`), fullPage: false });
      }
      blocks += seen.codes.length;
      figures += seen.figures.length;
      notes += seen.details;
      checked += 1;
      await page.close();
    }
    console.log(
      `${chapter}: ${pages(chapter).length} pages, ${blocks} code blocks, ` +
        `${figures} figures, ${notes} notes blocks; screenshot ${join(shots, chapter + ".png")}`,
    );
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`${problems.length} problems:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${checked} pages rendered in Chromium: every code block, figure and notes block there`);
