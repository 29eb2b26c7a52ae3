// The MedShare portal's page. It talks only to the `medshare serve` that sent it, with the
// token from its own URL; every step runs there as a job whose progress arrives as
// server-sent events. No secret key, hidden range or other holder's value ever reaches it.
"use strict";

const token = new URLSearchParams(location.search).get("token") || "";
const locale = navigator.languages && navigator.languages.length ? navigator.languages[0] : "en";
const $ = (id) => document.getElementById(id);
let me = null;
let registry = [];
let busy = false;

// --- talking to the portal ---------------------------------------------------------------

/** A refusal from the portal: its message says what to do; `kind` names it. */
class PortalError extends Error {
  constructor(message, kind) { super(message); this.kind = kind || null; }
}

function withToken(path) {
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
}

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, headers: { "x-medshare-token": token, ...(options.headers || {}) } });
  } catch (_) {
    throw new PortalError("The portal does not answer. Is `medshare serve` still running? Start it again and open the address it prints.", "PortalUnreachable");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new PortalError(body && body.error ? body.error : "The portal answered " + response.status + " without a reason.", body && body.kind);
  }
  return body;
}

/** What to do, in a sentence, beyond the message itself, for the refusals people meet most. */
const ADVICE = {
  NodeUnreachable: "Nothing was sent. Start the node again (./scripts/run.sh starts a development node) and reload this page.",
  WrongChain: "Stop this portal and start `medshare serve` again with --url pointing at the MedShare node you mean.",
  BlockFull: "Nothing was sent. Wait a few blocks and press the button again.",
  StaleNonce: "Nothing was sent. Press the button again.",
  ParametersMismatch: "Stop this portal and start `medshare serve` again with --params pointing at the ceremony's parameters.",
  RequestExpired: "Choose another open request, or ask the institution for a new one.",
  Unauthorized: "Open the exact address `medshare serve` printed: it carries this portal's token.",
  PortalUnreachable: "",
};

function showError(error) {
  const kind = error.kind ? " [" + error.kind + "]" : "";
  const advice = error.kind && ADVICE[error.kind] ? " " + ADVICE[error.kind] : "";
  $("error-text").textContent = error.message + advice + kind;
  $("error").hidden = false;
  $("error").dataset.kind = error.kind || "";
  $("error").scrollIntoView({ block: "nearest" });
}
function clearError() { $("error").hidden = true; $("error-text").textContent = ""; }
function notice(text) { $("notice").textContent = text; $("notice").hidden = !text; }

/** Follows job `id` until it ends: resolves with its result or rejects with its error. */
function follow(id, label) {
  $("job").hidden = false;
  $("job-step").textContent = label;
  $("job-message").textContent = "Starting…";
  $("job-bar").removeAttribute("value");
  return new Promise((resolve, reject) => {
    const events = new EventSource(withToken("/api/jobs/" + id + "/events"));
    const end = () => { events.close(); $("job").hidden = true; };
    events.addEventListener("progress", (event) => {
      const p = JSON.parse(event.data);
      const seconds = Math.round(p.elapsed_ms / 1000);
      if (p.length) {
        $("job-bar").max = p.length;
        $("job-bar").value = p.position;
        $("job-message").textContent = p.message + ": " + fmtInt(p.position) + " of " + fmtInt(p.length) + " (" + seconds + " s)";
      } else {
        $("job-bar").removeAttribute("value");
        $("job-message").textContent = p.message + " (" + seconds + " s)";
      }
    });
    events.addEventListener("done", (event) => { end(); resolve(JSON.parse(event.data).result); });
    events.addEventListener("failed", (event) => {
      end();
      const failed = JSON.parse(event.data);
      reject(new PortalError(failed.error, failed.kind));
    });
    events.onerror = () => {
      end();
      reject(new PortalError("The connection to the portal broke while the step was running. Reload the page to see where the step stands.", "PortalUnreachable"));
    };
  });
}

/** Runs one step: POST, follow its job, then show `done(result)` and refresh the page. */
async function step(path, label, body, done) {
  if (busy) return;
  busy = true;
  setButtons(false);
  clearError();
  notice("");
  try {
    const started = await api(path, body === undefined ? { method: "POST" } : { method: "POST", body, headers: { "content-type": "text/plain" } });
    const result = await follow(started.job, label);
    if (done) done(result);
  } catch (error) {
    showError(error);
  } finally {
    busy = false;
    setButtons(true);
    await refresh();
  }
}

function setButtons(enabled) {
  for (const button of document.querySelectorAll("main button")) {
    if (button.id === "error-close") continue;
    button.disabled = !enabled || button.dataset.off === "1";
  }
}

// --- numbers, units, dates ---------------------------------------------------------------

const UNITS = { "Cel": "°C", "mm[Hg]": "mmHg", "/min": "per minute", "%": "%", "kg": "kg", "cm": "cm", "mmol/L": "mmol/L" };
const unitWords = (unit) => UNITS[unit] || unit;
const fmtInt = (n) => Number(n).toLocaleString(locale);
function fmtDecimal(value, scale) {
  return Number(value).toLocaleString(locale, { minimumFractionDigits: scale, maximumFractionDigits: scale });
}
function fmtScaled(scaled, scale, unit) { return fmtDecimal(scaled / Math.pow(10, scale), scale) + " " + unitWords(unit); }
/** "0.50 Cel" as the CLI writes it, in the reader's locale and words. */
function fmtDisplayed(text) {
  const [number, ...unit] = String(text).split(" ");
  const scale = number.includes(".") ? number.split(".")[1].length : 0;
  return fmtDecimal(number, scale) + " " + unitWords(unit.join(" "));
}
/** Block `n` as a date in the reader's locale, from the head and the block time. */
function blockDate(n) {
  const when = new Date(Date.now() + (n - me.head) * me.block_ms);
  const date = when.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  return n > me.head ? "about " + date + " (block " + fmtInt(n) + ")" : "ended " + date + " (block " + fmtInt(n) + ")";
}
const short = (account) => account.length > 14 ? account.slice(0, 6) + "…" + account.slice(-6) : account;

// --- tables ------------------------------------------------------------------------------

function row(cells) {
  const tr = document.createElement("tr");
  for (const value of cells) {
    const td = document.createElement("td");
    if (value instanceof Node) td.appendChild(value); else td.textContent = value;
    tr.appendChild(td);
  }
  return tr;
}
function fill(body, rows, columns, empty) {
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = columns;
    td.className = "muted";
    td.textContent = empty;
    return;
  }
  for (const cells of rows) body.appendChild(row(cells));
}
function button(text, label, action, off) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", action);
  if (off) { b.dataset.off = "1"; b.disabled = true; }
  return b;
}
function actions(...buttons) {
  const span = document.createElement("span");
  buttons.filter(Boolean).forEach((b) => span.appendChild(b));
  if (!span.childNodes.length) span.textContent = "–";
  return span;
}
const OUTCOME = { "-1": "below the range", "0": "inside the range", "1": "above the range" };
function outcomeList(outcomes) {
  const list = document.createElement("ul");
  for (const o of outcomes) {
    const li = document.createElement("li");
    li.textContent = o.name + ": " + OUTCOME[String(o.outcome)];
    li.className = "outcome-" + ["below", "inside", "above"][o.outcome + 1];
    list.appendChild(li);
  }
  return list;
}
function indicatorWords(i) {
  return i.name + " (" + unitWords(i.unit) + "; hidden range at least " + fmtDisplayed(i.min_width) + " wide)";
}

// --- holder ------------------------------------------------------------------------------

const SESSION_STATE = {
  Eligible: "Eligible: submit your encrypted data",
  DataSubmitted: "Data submitted: waiting for the institution's comparison",
  Compared: "Compared: answer to finish",
  Completed: "Completed",
  Expired: "Expired",
  Withdrawn: "Withdrawn",
  pruned: "Ended (no longer on chain)",
};

async function refreshHolder() {
  $("holder-key-state").textContent = me.key_registered
    ? "Your Paillier key is registered on chain with its proofs of being well formed."
    : "You need a registered key before you can join a request. Making it takes a minute.";
  $("holder-register").dataset.off = me.key_registered ? "1" : "";
  $("holder-register").disabled = me.key_registered || busy;
  const data = await api("/api/holder/data");
  fill($("holder-values"), data ? data.values.map((v) => [v.name, fmtScaled(v.scaled, v.scale, v.unit), v.in_domain ? "yes" : "no: outside the plausible domain", v.source]) : [], 4, "Nothing imported yet.");
  const requests = (await api("/api/requests")).filter((r) => r.status === "Open");
  fill($("open-requests"), requests.map((r) => {
    const ended = r.expires_at <= me.head;
    return [String(r.request_id), r.institution_name ? r.institution_name + " (" + short(r.institution) + ")" : short(r.institution), r.indicators.map(indicatorWords).join("; "), blockDate(r.expires_at),
      actions(button("Join", "Join request " + r.request_id, () => join(r.request_id), ended || !me.key_registered || !data))];
  }), 5, "No open requests at the moment.");
  const sessions = await api("/api/history");
  fill($("holder-sessions"), sessions.map((s) => [String(s.session_id), String(s.request_id), SESSION_STATE[s.state] || s.state,
    s.outcomes ? outcomeList(s.outcomes) : "–",
    actions(
      s.state === "Eligible" && button("Submit data", "Submit data of session " + s.session_id, () =>
        step("/api/holder/submit-data/" + s.session_id, "Encrypting and submitting your data for session " + s.session_id, undefined, () => notice("Session " + s.session_id + ": your encrypted data is on chain."))),
      s.state === "Compared" && button("Answer", "Answer session " + s.session_id, () =>
        step("/api/holder/answer/" + s.session_id, "Opening the comparison of session " + s.session_id, undefined, () => notice("Session " + s.session_id + " completed."))),
      (s.state === "Eligible" || s.state === "DataSubmitted") && button("Withdraw", "Withdraw session " + s.session_id, () =>
        step("/api/holder/withdraw/" + s.session_id, "Withdrawing session " + s.session_id, undefined, () => notice("Session " + s.session_id + " withdrawn; its encrypted data has left the chain's state."))),
    )]), 5, "No sessions yet.");
}

function join(requestId) {
  step("/api/holder/join/" + requestId, "Proving you are eligible for request " + requestId, undefined,
    (r) => notice("You joined request " + requestId + ": session " + r.session_id + " is open. Submit your data next."));
}

// --- institution -------------------------------------------------------------------------

async function refreshInstitution() {
  $("inst-key-state").textContent = !me.institution
    ? "This account is not an approved institution: the chain's registrar approves institutions."
    : me.key_registered ? "The institution's Paillier key is registered on chain." : "Register the institution's key before posting a request.";
  $("inst-register-form").hidden = !me.institution || me.key_registered;
  const own = await api("/api/institution/requests");
  const list = $("own-requests");
  list.replaceChildren();
  if (own.length === 0) { const p = document.createElement("p"); p.className = "muted"; p.textContent = "No requests yet."; list.appendChild(p); }
  for (const r of own) {
    const h = document.createElement("h3");
    h.textContent = "Request " + r.request_id + " (" + (r.status === "Open" ? "open until " + blockDate(r.expires_at) : "closed") + ")";
    const p = document.createElement("p");
    p.textContent = r.indicators.map(indicatorWords).join("; ");
    const table = document.createElement("table");
    table.setAttribute("aria-label", "Sessions of request " + r.request_id);
    table.innerHTML = "<thead><tr><th scope='col'>Session</th><th scope='col'>Holder</th><th scope='col'>State</th><th scope='col'>Action</th></tr></thead>";
    const body = document.createElement("tbody");
    table.appendChild(body);
    fill(body, r.sessions.map((s) => [String(s.session_id), short(s.holder), SESSION_STATE[s.state] || s.state, actions(
      s.state === "DataSubmitted" && button("Compare", "Compare session " + s.session_id, () =>
        step("/api/institution/compare/" + s.session_id, "Comparing session " + s.session_id + " under the holder's key", undefined, () => notice("Session " + s.session_id + " compared; the holder answers next."))),
      s.state === "Completed" && !s.decrypted && button("Decrypt results", "Decrypt results of session " + s.session_id, () =>
        step("/api/institution/results/" + s.session_id, "Decrypting the results of session " + s.session_id, undefined, () => notice("Session " + s.session_id + " decrypted; open the report."))),
      s.decrypted && document.createTextNode("decrypted"),
    )]), 4, "No holder has joined yet.");
    const show = button("Show the report", "Show the report of request " + r.request_id, () => showReport(r.request_id));
    list.append(h, p, table, actions(show));
  }
}

async function showReport(requestId) {
  clearError();
  try {
    const report = await api("/api/report/" + requestId);
    $("report-title").textContent = "Cohort report of request " + requestId;
    const count = (n, one, many) => fmtInt(n) + " " + (n === 1 ? one : many);
    $("report-summary").textContent = count(report.holders, "holder", "holders") + " counted; " + count(report.open, "session", "sessions") + " under way, " +
      fmtInt(report.withdrawn) + " withdrawn, " + fmtInt(report.expired) + " expired.";
    fill($("report-counts"), report.indicators.map((i) => [i.name, fmtInt(i.below), fmtInt(i.inside), fmtInt(i.above)]), 4, "No indicators.");
    for (const tr of $("report-counts").rows) for (let c = 1; c < tr.cells.length; c++) tr.cells[c].className = "number";
    $("report-chart").alt = "Bar chart of request " + requestId + ": per indicator, the holders below, inside and above the hidden range, as in the table above.";
    $("report-chart").src = withToken("/api/report/" + requestId + "/chart.svg") + "&at=" + Date.now();
    $("report").hidden = false;
    $("report").scrollIntoView({ block: "nearest" });
  } catch (error) { showError(error); }
}

// The request form: one fieldset per indicator, checked here against the registry before
// anything is sent (the portal checks again, and so does the chain).
let rowCount = 0;
function addIndicatorRow() {
  const n = ++rowCount;
  const set = document.createElement("fieldset");
  set.className = "indicator-row";
  set.innerHTML =
    "<legend>Indicator</legend>" +
    "<div class='field'><label for='code-" + n + "'>Indicator (name or LOINC code)</label><input id='code-" + n + "' list='registry-codes' class='code' autocomplete='off'><span class='unit entry-words'></span></div>" +
    "<div class='field'><label for='low-" + n + "'>Range from</label><input id='low-" + n + "' class='low' inputmode='decimal'><span class='unit'></span></div>" +
    "<div class='field'><label for='high-" + n + "'>Range to</label><input id='high-" + n + "' class='high' inputmode='decimal'><span class='unit'></span></div>" +
    "<div class='field'><label for='width-" + n + "'>Minimum width</label><input id='width-" + n + "' class='width' inputmode='decimal'><span class='unit'></span></div>";
  const remove = button("Remove", "Remove this indicator", () => { set.remove(); numberRows(); });
  set.appendChild(remove);
  set.querySelector(".code").addEventListener("change", () => describeRow(set));
  $("request-rows").appendChild(set);
  numberRows();
  return set;
}
function numberRows() {
  [...document.querySelectorAll(".indicator-row")].forEach((set, i) => { set.querySelector("legend").textContent = "Indicator " + (i + 1); });
}
function entryFor(text) {
  const t = text.trim().toLowerCase();
  return registry.find((e) => e.code.toLowerCase() === t || e.name.toLowerCase() === t);
}
function describeRow(set) {
  const entry = entryFor(set.querySelector(".code").value);
  const units = set.querySelectorAll(".unit:not(.entry-words)");
  units.forEach((u) => { u.textContent = entry ? unitWords(entry.unit) : ""; });
  set.querySelector(".entry-words").textContent = entry ? entry.name + ", plausible " + fmtScaled(entry.lo, entry.scale, entry.unit) + " to " + fmtScaled(entry.hi, entry.scale, entry.unit) : "";
  const width = set.querySelector(".width");
  if (entry && !width.value) width.value = (entry.min_width / Math.pow(10, entry.scale)).toFixed(entry.scale);
}
/** A decimal as the registry keeps it (value × 10^scale), or a reason. */
function toScaled(text, scale) {
  const t = String(text).trim().replace(",", ".");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return { problem: "is not a number" };
  const fraction = m[2] || "";
  if (fraction.length > scale) return { problem: "has more than " + scale + " decimal places" };
  return { value: Number(m[1]) * Math.pow(10, scale) + Number((fraction + "0".repeat(scale)).slice(0, scale) || 0), text: t };
}
function checkRequestForm() {
  const problems = [];
  const lines = [];
  const seen = new Set();
  const flag = (input, message) => { input.setAttribute("aria-invalid", "true"); problems.push({ input, message }); };
  for (const input of document.querySelectorAll("#request-form input")) input.removeAttribute("aria-invalid");
  const sets = [...document.querySelectorAll(".indicator-row")];
  if (sets.length === 0) problems.push({ input: $("add-indicator"), message: "Add at least one indicator." });
  sets.forEach((set, i) => {
    const label = "Indicator " + (i + 1);
    const codeInput = set.querySelector(".code");
    const entry = entryFor(codeInput.value);
    if (!entry) { flag(codeInput, label + ": \"" + codeInput.value.trim() + "\" is not in the chain's indicator registry; choose one from the list."); return; }
    if (seen.has(entry.code)) { flag(codeInput, label + ": " + entry.name + " is already in this request."); return; }
    seen.add(entry.code);
    const read = {};
    for (const [cls, what] of [["low", "Range from"], ["high", "Range to"], ["width", "Minimum width"]]) {
      const input = set.querySelector("." + cls);
      const parsed = toScaled(input.value, entry.scale);
      if (parsed.problem) flag(input, label + " (" + entry.name + "): " + what + " " + parsed.problem + "."); else read[cls] = parsed;
    }
    if (!read.low || !read.high || !read.width) return;
    const show = (v) => fmtScaled(v, entry.scale, entry.unit);
    if (read.low.value > read.high.value) flag(set.querySelector(".low"), label + " (" + entry.name + "): the range goes from " + show(read.low.value) + " down to " + show(read.high.value) + "; \"from\" must not be above \"to\".");
    else if (read.low.value < entry.lo || read.high.value > entry.hi) flag(set.querySelector(".low"), label + " (" + entry.name + "): the range must lie within the plausible " + show(entry.lo) + " to " + show(entry.hi) + ".");
    else if (read.width.value < entry.min_width) flag(set.querySelector(".width"), label + " (" + entry.name + "): the minimum width " + show(read.width.value) + " is below the registry's " + show(entry.min_width) + ", which protects holders from too narrow ranges.");
    else if (read.high.value - read.low.value < read.width.value) flag(set.querySelector(".high"), label + " (" + entry.name + "): the range " + show(read.low.value) + " to " + show(read.high.value) + " is narrower than its minimum width " + show(read.width.value) + ".");
    else lines.push({ code: entry.code, unit: entry.unit, low: read.low.text, high: read.high.text, min_width: read.width.text });
  });
  const lifetime = Number($("lifetime").value);
  if (!Number.isInteger(lifetime) || lifetime < 10) flag($("lifetime"), "The request must stay open for at least 10 blocks.");
  return { problems, file: { lifetime, indicators: lines } };
}
function showProblems(problems) {
  const list = $("request-problems");
  list.replaceChildren();
  for (const p of problems) { const li = document.createElement("li"); li.textContent = p.message; list.appendChild(li); }
  if (problems.length && problems[0].input) problems[0].input.focus();
}

// --- page --------------------------------------------------------------------------------

function showPage() {
  const role = location.hash === "#institution" || location.hash === "#holder" ? location.hash.slice(1) : (me && me.institution ? "institution" : "holder");
  $("page-holder").hidden = role !== "holder";
  $("page-institution").hidden = role !== "institution";
  $("tab-holder").setAttribute("aria-current", role === "holder" ? "page" : "false");
  $("tab-institution").setAttribute("aria-current", role === "institution" ? "page" : "false");
  document.title = (role === "holder" ? "Data holder" : "Research institution") + " – MedShare portal";
  return role;
}

async function refresh() {
  try {
    me = await api("/api/whoami");
    $("who").textContent = "Signed in as " + me.account + " on " + me.node + ", block " + fmtInt(me.head) + " (a block every " + me.block_ms / 1000 + " s).";
    if (registry.length === 0) {
      registry = await api("/api/registry");
      $("registry-codes").replaceChildren(...registry.map((e) => { const o = document.createElement("option"); o.value = e.code; o.label = e.name + " (" + unitWords(e.unit) + ")"; return o; }));
    }
    $("lifetime-help").textContent = "about " + Math.round(Number($("lifetime").value) * me.block_ms / 60000) + " minutes";
    if (showPage() === "holder") await refreshHolder(); else await refreshInstitution();
    setButtons(!busy);
  } catch (error) {
    if (error.kind === "NodeUnreachable" || error.kind === "WrongChain") $("who").textContent = "Not connected to a MedShare node.";
    showError(error);
  }
}

$("error-close").addEventListener("click", clearError);
window.addEventListener("hashchange", refresh);
$("holder-register").addEventListener("click", () =>
  step("/api/holder/register-key", "Making your 2048-bit key and proving it well formed", undefined, () => notice("Your key is registered.")));
$("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearError();
  const file = $("bundle").files[0];
  if (!file) { showError(new PortalError("Choose a FHIR file first.", "NoFile")); $("bundle").focus(); return; }
  try {
    const report = await api("/api/import", { method: "POST", body: await file.text(), headers: { "content-type": "text/plain" } });
    notice("Imported " + report.values.length + " values from " + file.name + (report.missing.length ? "; the file has nothing for: " + report.missing.join(", ") : "") + ".");
  } catch (error) { showError(error); }
  await refresh();
});
$("inst-register-form").addEventListener("submit", (event) => {
  event.preventDefault();
  step("/api/institution/register", "Making the institution's key and proving it well formed", $("inst-description").value, () => notice("The institution's key is registered."));
});
$("add-indicator").addEventListener("click", () => addIndicatorRow().querySelector(".code").focus());
$("lifetime").addEventListener("input", () => { if (me) $("lifetime-help").textContent = "about " + Math.round(Number($("lifetime").value) * me.block_ms / 60000) + " minutes"; });
$("request-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearError();
  const checked = checkRequestForm();
  showProblems(checked.problems);
  if (checked.problems.length) return;
  const file = JSON.stringify(checked.file);
  try {
    await api("/api/institution/check-request", { method: "POST", body: file, headers: { "content-type": "text/plain" } });
  } catch (error) {
    showProblems([{ input: null, message: error.message }]);
    return;
  }
  await step("/api/institution/request", "Proving the hidden ranges and posting the request", file, (r) => {
    notice("Request " + r.request_id + " is posted; holders can join it now.");
    $("request-rows").replaceChildren();
    addIndicatorRow();
  });
});
addIndicatorRow();
refresh();
