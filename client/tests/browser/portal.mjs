// Drives two `medshare serve` portals, an institution's and a holder's, through a whole
// session in headless Chromium, as their users would: the request form (first with bad input),
// a FHIR upload (first a file that is not FHIR), join, submit, compare, answer, decrypt and the
// report with its chart. Run by client/tests/browser.rs, which starts the node and the portals
// and checks the outcome against the plaintext; this script checks what the pages show.
//
//   node portal.mjs session   # INSTITUTION_URL, HOLDER_URL, BUNDLE, REQUEST, SCREENSHOTS
//   node portal.mjs node-down # HOLDER_URL, SCREENSHOTS: the page after the node stopped
//
// It prints one JSON line: what the report table on the page says.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (client/tests/browser.rs sets it)`);
  return value;
};
const shots = env("SCREENSHOTS");
mkdirSync(shots, { recursive: true });
// Minutes: the portal proves eligibility and the comparison while the page waits.
const STEP = Number(process.env.STEP_MS || 10 * 60 * 1000);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // As root, with no GPU and no network beyond this machine (docs/PORTAL.md).
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

const opened = [];

/** A page of one portal in its own browser context (locale, viewport), failing on page errors. */
async function open(url, locale, hash) {
  const context = await browser.newContext({ locale, viewport: { width: 1100, height: 1800 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  // The refusals this test provokes (400, 422) are the page's to show, not errors of the page;
  // Chromium logs each as a failed resource, so those are told apart by status.
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  page.on("response", (response) => { if (response.status() >= 500) problems.push(`${response.status()} from ${new URL(response.url()).pathname}`); });
  // What the page asked for, on stderr, for a failure's story.
  page.on("request", (request) => console.error(`[${locale}] ${request.method()} ${new URL(request.url()).pathname}`));
  page.on("requestfailed", (request) => console.error(`[${locale}] failed: ${request.method()} ${new URL(request.url()).pathname} ${request.failure()?.errorText}`));
  opened.push({ page, problems });
  // Nothing may be fetched from anywhere but the portal itself.
  const origin = new URL(url).origin;
  page.on("request", (request) => {
    if (!request.url().startsWith(origin)) problems.push("fetched from elsewhere: " + request.url());
  });
  await page.goto(url + hash);
  await page.waitForSelector("#who:not(:text('Connecting'))");
  return { page, problems };
}

// Viewport screenshots of a tall window: a full-page one resizes the window for a moment, and a
// click right after it can land on a shifted page.
async function shot(page, name) {
  await page.screenshot({ path: join(shots, name + ".png") });
}

/** Clicks `name` and waits for the job to end with a notice (or fails with the page's error). */
async function runStep(page, name, expectNotice) {
  await page.getByRole("button", { name, exact: true }).click();
  await waitForStep(page, expectNotice);
}
async function waitForStep(page, expectNotice) {
  const ended = await page.waitForFunction((text) => {
    if (!document.getElementById("error").hidden) return "error";
    const notice = document.getElementById("notice");
    return !notice.hidden && notice.textContent.includes(text) ? "notice" : false;
  }, expectNotice, { timeout: STEP, polling: 250 });
  if ((await ended.jsonValue()) === "error") throw new Error("the page shows an error: " + (await page.locator("#error-text").textContent()));
}

/** Every field has a label, every button a name: what a screen reader and the keyboard need. */
async function checkLabels(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => {
        if (el.getAttribute("aria-label")) return false;
        if (el.tagName === "BUTTON") return !el.textContent.trim();
        return !(el.id && document.querySelector(`label[for="${el.id}"]`));
      })
      .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, [], "fields without labels");
}

async function session() {
  const request = JSON.parse(readFileSync(env("REQUEST"), "utf8"));
  const institution = await open(env("INSTITUTION_URL"), "en-US", "");
  const holder = await open(env("HOLDER_URL"), "de-DE", "");
  const inst = institution.page;
  const hold = holder.page;

  // --- the institution registers its key ----------------------------------------------
  assert.equal(await inst.locator("#page-institution").isVisible(), true, "an institution opens on its own pages");
  await inst.fill("#inst-description", "Portal test clinic");
  await inst.getByRole("button", { name: "Create and register the institution's key" }).click();
  await inst.locator("#job-message").filter({ hasText: "Paillier" }).waitFor({ timeout: STEP });
  await shot(inst, "01-institution-key-progress");
  await waitForStep(inst, "The institution's key is registered.");

  // --- the request form refuses bad input before sending anything -----------------------
  const row = inst.locator(".indicator-row").first();
  const fillRow = async (set, line) => {
    await set.locator(".code").fill(line.code);
    await set.locator(".code").dispatchEvent("change");
    await set.locator(".low").fill(line.low);
    await set.locator(".high").fill(line.high);
    await set.locator(".width").fill(line.min_width);
  };
  const refused = async (line, expected) => {
    await fillRow(row, line);
    await inst.getByRole("button", { name: "Post the request" }).click();
    await inst.locator("#request-problems li").filter({ hasText: expected }).waitFor();
  };
  await refused({ code: "0000-0", low: "1", high: "2", min_width: "1" }, "is not in the chain's indicator registry");
  await refused({ code: "8310-5", low: "37.5", high: "36.5", min_width: "0.5" }, "\"from\" must not be above \"to\"");
  await refused({ code: "8310-5", low: "36.5", high: "37.5", min_width: "0.25" }, "is below the registry's 0.50 °C");
  assert.equal(await inst.locator("#request-problems li").count(), 1);
  assert.equal(await row.locator(".width").getAttribute("aria-invalid"), "true", "the field in question is marked");
  await shot(inst, "02-request-form-refused");
  assert.equal(await inst.locator("#own-requests").textContent(), "No requests yet.", "nothing was posted");

  // --- the request, from the sample file, typed into the form ---------------------------
  await fillRow(row, request.indicators[0]);
  for (const line of request.indicators.slice(1)) {
    await inst.getByRole("button", { name: "Add an indicator" }).click();
    await fillRow(inst.locator(".indicator-row").last(), line);
  }
  await inst.fill("#lifetime", String(request.lifetime));
  await checkLabels(inst);
  await shot(inst, "03-request-form");
  await inst.getByRole("button", { name: "Post the request" }).click();
  await waitForStep(inst, "is posted");
  const requestId = Number((await inst.locator("#notice").textContent()).match(/Request (\d+)/)[1]);

  // --- the holder: key, upload (first a file that is not FHIR), values in its locale -----
  assert.equal(await hold.locator("#page-holder").isVisible(), true, "a holder opens on the holder's pages");
  await runStep(hold, "Create and register my key", "Your key is registered.");
  const notFhir = join(tmpdir(), `medshare-not-fhir-${process.pid}.json`);
  writeFileSync(notFhir, JSON.stringify({ resourceType: "Patient", id: "p1" }));
  await hold.setInputFiles("#bundle", notFhir);
  await hold.getByRole("button", { name: "Import" }).click();
  await hold.locator("#error:not([hidden])").waitFor();
  assert.match(await hold.locator("#error-text").textContent(), /the bundle cannot be imported.*\[Import\]/);
  await shot(hold, "04-holder-import-refused");
  assert.equal(await hold.locator("#holder-values").textContent(), "Nothing imported yet.");
  await hold.getByRole("button", { name: "Dismiss" }).click();
  await hold.setInputFiles("#bundle", env("BUNDLE"));
  await hold.getByRole("button", { name: "Import" }).click();
  await hold.locator("#notice").filter({ hasText: "Imported" }).waitFor();
  const temperature = hold.locator("#holder-values tr", { hasText: "Body temperature" });
  assert.equal(await temperature.locator("td").nth(1).textContent(), "37,17 °C", "numbers with units, in the reader's locale (de-DE)");
  await shot(hold, "05-holder-data");

  // --- join with the keyboard alone, watching the eligibility proof ---------------------
  const joinName = "Join request " + requestId;
  await hold.locator("#open-requests").getByRole("button", { name: joinName }).waitFor();
  assert.match(await hold.locator("#open-requests").textContent(), /Portal test clinic.*Body temperature \(°C; hidden range at least 0,50 °C wide\)/,
    "the request in words: the institution's name, indicator names, units, widths in the reader's locale");
  await hold.locator("body").click({ position: { x: 1, y: 1 } });
  let focused = "";
  for (let presses = 0; presses < 40 && focused !== joinName; presses++) {
    await hold.keyboard.press("Tab");
    focused = await hold.evaluate(() => document.activeElement && document.activeElement.getAttribute("aria-label"));
  }
  assert.equal(focused, joinName, "the Join button is reached with Tab");
  await hold.keyboard.press("Enter");
  await hold.locator("#job-bar[value]").waitFor({ timeout: STEP });
  await shot(hold, "06-holder-join-progress");
  await waitForStep(hold, "You joined request " + requestId);
  const sessionId = Number((await hold.locator("#notice").textContent()).match(/session (\d+) is open/)[1]);
  await runStep(hold, "Submit data of session " + sessionId, "your encrypted data is on chain");

  // --- the institution compares ---------------------------------------------------------
  await inst.reload();
  await inst.waitForSelector("#own-requests h3");
  await runStep(inst, "Compare session " + sessionId, "compared");

  // --- the holder answers and sees its own outcomes -------------------------------------
  await hold.reload();
  await hold.waitForSelector("#holder-sessions tr");
  await runStep(hold, "Answer session " + sessionId, "completed");
  const own = hold.locator("#holder-sessions tr").filter({ has: hold.locator("td:first-child", { hasText: new RegExp("^" + sessionId + "$") }) });
  await own.locator("li").first().waitFor();
  const holderOutcomes = await own.locator("li").allTextContents();
  assert.equal(holderOutcomes.length, request.indicators.length);
  await shot(hold, "07-holder-sessions");

  // --- the institution decrypts and reads the report ------------------------------------
  await inst.reload();
  await inst.waitForSelector("#own-requests h3");
  await runStep(inst, "Decrypt results of session " + sessionId, "decrypted");
  await inst.getByRole("button", { name: "Show the report of request " + requestId }).click();
  await inst.locator("#report:not([hidden])").waitFor();
  await inst.waitForFunction(() => {
    const chart = document.getElementById("report-chart");
    return chart.complete && chart.naturalWidth > 0;
  });
  const rows = await inst.locator("#report-counts tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  await shot(inst, "08-institution-report");
  await checkLabels(hold);

  for (const [who, { problems }] of [["institution", institution], ["holder", holder]]) {
    assert.deepEqual(problems, [], `the ${who}'s page reported errors`);
  }
  console.log(JSON.stringify({
    request_id: requestId,
    session_id: sessionId,
    report: rows.map(([name, below, inside, above]) => ({ name, below: Number(below), inside: Number(inside), above: Number(above) })),
    holder_outcomes: holderOutcomes,
  }));
}

/** The node is gone: the page says so in words, with what to do. */
async function nodeDown() {
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  await page.goto(env("HOLDER_URL"));
  await page.locator("#error:not([hidden])").waitFor();
  const text = await page.locator("#error-text").textContent();
  assert.match(text, /Is the node still running/);
  assert.match(text, /\[NodeUnreachable\]$/);
  await shot(page, "09-node-unreachable");
  console.log(JSON.stringify({ error: text }));
}

try {
  if (process.argv[2] === "session") await session();
  else if (process.argv[2] === "node-down") await nodeDown();
  else throw new Error("usage: node portal.mjs session|node-down");
} catch (error) {
  // Every open page as it was when the test failed.
  for (const [i, { page, problems }] of opened.entries()) {
    await shot(page, "failed-" + i).catch(() => {});
    if (problems.length) console.error(`page ${i} reported:\n  ` + problems.join("\n  "));
  }
  throw error;
} finally {
  await browser.close();
}
