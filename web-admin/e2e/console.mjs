// End-to-end test of the console in headless Chromium, driven by playwright-core against a
// running balancer. Run by web-admin/e2e_test.go (go test ./web-admin -run TestConsoleEndToEnd),
// which starts the balancer and sets:
//   BASE_URL       the balancer's base URL (the console is at BASE_URL/admin/, the BBB API at
//                  BASE_URL/bigbluebutton/api)
//   API_KEY        an admin API key named e2e-console (the test creates a read-only and a tenant
//                  key with it)
//   BBB_SECRET     the BBB API's secret (LOADBALANCER_SECRET)
//   SPARE_URL, SPARE_SECRET  a simulated BBB server that is not in the pool yet
//   CHROMIUM_PATH  the Chromium binary (default /usr/bin/chromium); no browser is ever downloaded
//   SCREENSHOT_DIR where the screenshots go (default: none taken); each page is shot at 1280 and
//                  390 px wide as PAGE-1280.png and PAGE-390.png (docs/screenshots/)
// The pool (see startBalancer): bbb-1, bbb-2, bbb-3 enabled, full at a load of 100; e2e-room on
// bbb-1 whose users change every 500 ms, each change followed by a poll; e2e-seminar (tenant
// north) and e2e-lecture (120 users: bbb-2 is over capacity) on bbb-2; south-class (tenant
// south) and e2e-workshop on bbb-3; recordings e2e-recording-1, north-recording-1,
// south-recording-1.

import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";

const base = process.env.BASE_URL;
const key = process.env.API_KEY;
const bbbSecret = process.env.BBB_SECRET;
const shots = process.env.SCREENSHOT_DIR || "";
if (!base || !key || !bbbSecret || !process.env.SPARE_URL) {
  console.error("BASE_URL, API_KEY, BBB_SECRET, SPARE_URL and SPARE_SECRET are required");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const problems = [];
let passed = 0;
let failed = 0;

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
    await shot("failed").catch(() => {});
    throw e;
  }
}

const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

/** shot saves the page as NAME-WIDTH.png. */
async function shot(name) {
  if (!shots) return;
  await page.evaluate(() => document.getElementById("notices")?.replaceChildren());
  await page.screenshot({ path: path.join(shots, `${name}-${page.viewportSize().width}.png`), fullPage: true, animations: "disabled" });
}

const context = await browser.newContext({ viewport: desktop });
const page = await context.newPage();
page.setDefaultTimeout(15000);
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => {
  // A refused key answers 401, which the browser logs as a failed resource: expected once.
  if (m.type() === "error" && !/401 \(Unauthorized\)/.test(m.text())) problems.push(`console error: ${m.text()}`);
});
page.on("requestfailed", (r) => {
  if (!r.url().includes("/graphql")) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
});
page.on("request", (r) => {
  const u = new URL(r.url());
  if (u.origin !== new URL(base).origin && !u.protocol.startsWith("data")) problems.push(`request to another host: ${r.url()}`);
});
let graphqlPosts = 0;
page.on("request", (r) => {
  if (r.url().endsWith("/graphql") && r.method() === "POST") graphqlPosts++;
});

const row = (id) => page.locator(`tr[data-server-id="${id}"]`);
const meetingRow = (id) => page.locator(`tr[data-meeting-id="${id}"]`);
const nav = (name) => page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name, exact: true });
let readonlyKey = "";
let tenantKey = "";

// The only buttons a key that may change nothing sees in a page: reading, filtering, paging,
// sorting, chart ranges and metrics.
const readingButtons = new Set(["refresh", "apply", "← previous", "next →", "load more", "retry", "load", "users", "meetings", "videos", "1 hour", "24 hours", "7 days", "server", "load of capacity"]);

async function noChangeButtons(where) {
  const texts = (await page.locator("main button").allInnerTexts()).map((t) => t.replace(/[▲▼]/g, "").trim().toLowerCase());
  assert.deepEqual(texts.filter((t) => !readingButtons.has(t)), [], `${where}: buttons for changes are shown`);
  assert.equal(await page.locator("main details.menu").count(), 0, `${where}: an actions menu is shown`);
  assert.equal(await page.locator("main input[data-select]").count(), 0, `${where}: selection boxes are shown`);
}

// signIn signs in on the sign-in form (which keeps the page's URL), then opens the overview.
async function signIn(k) {
  await page.getByLabel("API key").fill(k);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".whoami").waitFor();
  await nav("Overview").click();
  await page.getByRole("heading", { name: "Cluster overview" }).waitFor();
}

async function signOut() {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to the console" }).waitFor();
}

// graphql sends one operation with key from the page, as a script holding the key could.
function graphql(k, query) {
  return page.evaluate(
    async ([k, query]) => {
      const r = await fetch("/graphql", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${k}` }, body: JSON.stringify({ query }) });
      return r.json();
    },
    [k, query],
  );
}

// bbbAPI calls the balancer's BBB API as a front-end (Greenlight, Moodle) does.
async function bbbAPI(call, params) {
  const query = new URLSearchParams(params).toString();
  const checksum = createHash("sha256").update(call + query + bbbSecret).digest("hex");
  const r = await fetch(`${base}/bigbluebutton/api/${call}?${query}&checksum=${checksum}`);
  const body = await r.text();
  assert.match(body, /<returncode>SUCCESS<\/returncode>/, `${call}: ${body}`);
  return body;
}

// points is how many samples the chart of a history panel draws.
const points = (panel) => page.locator(`${panel} .chart`).evaluate((el) => Number(el.dataset.points));

try {
  await step("the console loads at /admin/ and asks for a key", async () => {
    const resp = await page.goto(`${base}/admin/`);
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()["content-type"], /^text\/html/);
    await page.getByRole("heading", { name: "Sign in to the console" }).waitFor();
    await shot("sign-in");
  });

  await step("a wrong key is refused with its code", async () => {
    await page.getByLabel("API key").fill("slk_not-a-real-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /UNAUTHENTICATED/);
  });

  await step("sign in with the API key", async () => {
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Cluster overview" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("scalelite.apiKey")), key);
  });

  await step("the overview leads with hostnames, load bars against capacity and the totals", async () => {
    for (const id of ["bbb-1", "bbb-2", "bbb-3"]) await row(id).waitFor();
    // Hostname first (all three share 127.0.0.1 here, so with the port), the id second.
    const server = row("bbb-1").locator('th[data-col="id"]');
    assert.match(await server.locator("a").innerText(), /^127\.0\.0\.1:\d+$/);
    assert.equal(await server.locator(".muted").innerText(), "bbb-1");
    assert.match(await row("bbb-1").locator('[data-col="state"]').innerText(), /enabled/);
    assert.match(await row("bbb-1").locator('[data-col="online"]').innerText(), /online/);
    assert.match(await row("bbb-2").locator('[data-col="users"]').innerText(), /^132$/);
    // bbb-3: 12 users of 100; the meter says so in words.
    const meter = row("bbb-3").getByRole("meter");
    assert.equal(await meter.getAttribute("aria-valuemax"), "100");
    assert.match(await meter.getAttribute("aria-valuetext"), /^\d+(\.\d)? of 100 \(\d+%\), plenty of room$/);
    assert.match(await page.locator('[data-total="servers"] .total-value').innerText(), /^3 \/ 3$/);
    assert.match(await page.locator('[data-total="room"] .total-value').innerText(), /^\d+$/);
    assert.match(await page.locator('[data-total="room"]').innerText(), /more 15-user meetings fit/);
    // The capacity rule is explained.
    await page.getByText("How capacity is computed").click();
    assert.match(await page.locator(".capacity-rule").innerText(), /full at a load of 100 \(SERVER_LOAD_CAPACITY\)/);
  });

  await step("an overloaded server is marked", async () => {
    const r = row("bbb-2");
    assert.match(await r.getAttribute("class"), /\btone-over\b/);
    assert.match(await r.locator('[data-col="load"]').innerText(), /over capacity/);
    assert.match(await r.getByRole("meter").getAttribute("aria-valuetext"), /over capacity/);
    const item = page.locator('.attention [data-attention="bbb-2"]');
    assert.match(await item.innerText(), /is over capacity: load 1\d\d of 100 \(1\d\d%\)/);
    assert.match(await item.getAttribute("class"), /attention-bad/);
  });

  await step("load updates live over the websocket after each poll", async () => {
    await page.locator(".live-live").waitFor();
    const cell = row("bbb-1").locator('[data-col="users"]');
    const before = await cell.innerText();
    const postsBefore = graphqlPosts;
    await page.waitForFunction(
      ([sel, old]) => document.querySelector(sel)?.textContent !== old,
      ['tr[data-server-id="bbb-1"] [data-col="users"]', before],
      { timeout: 20000 },
    );
    const after = await cell.innerText();
    assert.notEqual(after, before);
    assert.equal(graphqlPosts, postsBefore, "the update came without any HTTP GraphQL request");
    await page.waitForFunction(
      ([sel, old]) => document.querySelector(sel)?.textContent !== old,
      ['tr[data-server-id="bbb-1"] [data-col="users"]', after],
      { timeout: 20000 },
    );
    console.log(`     bbb-1 users: ${before} -> ${after} -> ${await cell.innerText()}`);
  });

  await step("the cluster chart gains points with the polls", async () => {
    const panel = "section.history";
    await page.locator(`${panel} .chart canvas`).waitFor();
    const first = await points(panel);
    // Hour buckets are 5 seconds wide and a poll runs every 500 ms: two more buckets fill.
    await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.dataset.points) >= n + 2, [`${panel} .chart`, first], { timeout: 20000 });
    console.log(`     chart points: ${first} -> ${await points(panel)}`);
    assert.match(await page.locator(`${panel} .chart .sr-only`).innerText(), /^Cluster over time, Load: now \d/);
    // Other metrics and ranges redraw from the history the API serves.
    await page.locator(panel).getByRole("button", { name: "Users" }).click();
    assert.equal(await page.locator(panel).getByRole("button", { name: "Users" }).getAttribute("aria-pressed"), "true");
    assert.match(await page.locator(`${panel} .chart .sr-only`).innerText(), /Users: now \d/);
    await page.locator(panel).getByRole("button", { name: "24 hours" }).click();
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.points) >= 1, `${panel} .chart`);
    await page.locator(panel).getByRole("button", { name: "1 hour" }).click();
    await page.locator(panel).getByRole("button", { name: "Load" }).click();
    await shot("overview");
  });

  await step("servers sort by load, users, meetings or name", async () => {
    const order = async () => (await page.locator("tr[data-server-id]").evaluateAll((rs) => rs.map((r) => r.dataset.serverId)));
    await page.getByLabel("Sort by").selectOption("load");
    assert.equal((await order())[0], "bbb-2");
    assert.equal(await page.locator('thead th[data-col="load"]').getAttribute("aria-sort"), "descending");
    assert.match(page.url(), /\?sort=load$/);
    await page.locator('thead th[data-col="users"]').getByRole("button").click();
    assert.equal((await order())[0], "bbb-2");
    await page.locator('thead th[data-col="id"]').getByRole("button").click();
    const shown = await page.locator('tr[data-server-id] th[data-col="id"] a').allInnerTexts();
    assert.deepEqual(shown, [...shown].sort((a, b) => a.localeCompare(b)), "rows are in hostname order");
    assert.equal(await page.locator('thead th[data-col="id"]').getAttribute("aria-sort"), "ascending");
  });

  await step("a server added from the console comes online after a poll", async () => {
    await page.getByRole("button", { name: "Add server" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^API URL/).fill(process.env.SPARE_URL);
    await dialog.getByLabel(/^Shared secret/).fill(process.env.SPARE_SECRET);
    await dialog.getByLabel(/^Server id/).fill("bbb-spare");
    await dialog.getByRole("button", { name: "Add server" }).click();
    await row("bbb-spare").waitFor();
    // New servers start offline (as in Scalelite) until the poller reaches them; then the row
    // turns online without a reload.
    await row("bbb-spare").locator('[data-col="online"]', { hasText: "online" }).waitFor({ timeout: 20000 });
    assert.doesNotMatch(await row("bbb-spare").getAttribute("class"), /is-offline/);
    await page.locator('[data-total="servers"] .total-value', { hasText: "4 / 4" }).waitFor();
  });

  await step("cordon a server and watch its state change", async () => {
    await page.getByRole("button", { name: "Cordon bbb-1" }).click();
    await page.getByRole("status").filter({ hasText: "Server bbb-1 is cordoned" }).waitFor();
    await row("bbb-1").locator('[data-col="state"]', { hasText: "cordoned" }).waitFor();
    assert.match(await row("bbb-1").getAttribute("class"), /state-cordoned/);
    await page.getByRole("button", { name: "Enable bbb-1" }).waitFor();
    await page.locator('[data-total="states"] .total-value', { hasText: "3 / 1 / 0" }).waitFor();
    assert.match(await page.locator('.attention [data-attention="bbb-1"]').innerText(), /cordoned: it keeps its 1 meeting and takes no new ones/);
  });

  await step("an invalid load multiplier shows the INVALID error in the dialog", async () => {
    await page.getByLabel("More actions for bbb-2").click();
    await page.getByRole("button", { name: "Load multiplier…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Load multiplier").fill("0");
    await dialog.getByRole("button", { name: "Save" }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /INVALID/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  await step("disabling a server with meetings is refused, then offered with force", async () => {
    await page.getByLabel("More actions for bbb-1").click();
    await page.getByRole("button", { name: "Disable…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
    const force = page.getByRole("dialog");
    await force.getByRole("heading", { name: "bbb-1 still has meetings" }).waitFor();
    assert.match(await force.innerText(), /Type bbb-1 to confirm/);
    await force.getByRole("button", { name: "Cancel" }).click();
    await force.waitFor({ state: "detached" });
    assert.match(await row("bbb-1").locator('[data-col="state"]').innerText(), /cordoned/);
  });

  await step("an unreachable server is unmistakably offline, then removed", async () => {
    await page.getByRole("button", { name: "Add server" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^API URL/).fill("http://127.0.0.1:9/bigbluebutton/api");
    await dialog.getByLabel(/^Shared secret/).fill("extra-secret");
    await dialog.getByLabel(/^Tag/).fill("spare");
    await dialog.getByLabel(/^Server id/).fill("bbb-extra");
    await dialog.getByRole("button", { name: "Add server" }).click();
    await row("bbb-extra").locator('[data-col="state"]', { hasText: "enabled" }).waitFor();
    assert.match(await row("bbb-extra").getAttribute("class"), /is-offline/);
    assert.match(await row("bbb-extra").locator('[data-col="load"]').innerText(), /offline: no load/);
    assert.match(await page.locator('.attention [data-attention="bbb-extra"]').innerText(), /is offline/);
    await page.getByLabel("More actions for bbb-extra").click();
    await page.getByRole("button", { name: "Remove…" }).click();
    const confirm = page.getByRole("dialog");
    const remove = confirm.getByRole("button", { name: "Remove server" });
    assert.equal(await remove.isDisabled(), true, "remove waits for the typed id");
    await confirm.getByRole("textbox").fill("bbb-extra");
    await remove.click();
    await row("bbb-extra").waitFor({ state: "detached" });
  });

  await step("a meeting created through the BBB API appears without a reload, placed in words", async () => {
    await nav("Meetings").click();
    await page.getByRole("heading", { name: "Meetings" }).waitFor();
    await meetingRow("e2e-seminar").waitFor();
    const navigations = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
    const t0 = Date.now();
    await bbbAPI("create", { meetingID: "e2e-api-meeting", name: "Created through the API", attendeePW: "ap", moderatorPW: "mp" });
    console.log(`     create answered in ${Date.now() - t0} ms`);
    const r = meetingRow("e2e-api-meeting");
    // It comes with the meeting events of the create (the row flashes for those only; a poll
    // would bring it too, without the flash).
    const created = Date.now();
    await page.locator('tr[data-meeting-id="e2e-api-meeting"].flash').waitFor({ timeout: 20000 });
    console.log(`     listed ${Date.now() - created} ms after the create`);
    assert.deepEqual(navigations, [], "the page was reloaded");
    const words = await r.locator(".placement-words").innerText();
    // bbb-1 is cordoned: bbb-2 (over capacity), bbb-3 and bbb-spare are the candidates.
    assert.match(words, /^Placed on 127\.0\.0\.1:\d+: least loaded of 3 untagged servers \(loads \d+(\.\d)?, \d+(\.\d)?, \d+(\.\d)?\)\.$/);
    await r.getByText("Raw data").click();
    const raw = JSON.parse(await r.locator(".placement pre").innerText());
    assert.equal(raw.rule, "untagged");
    assert.equal(raw.candidates.length, 3);
    assert.match(await r.locator('[data-col="age"]').innerText(), /just now/);
    await shot("meetings");
  });

  await step("participants per meeting follow the polls", async () => {
    await page.waitForFunction(() => Number(document.querySelector('tr[data-meeting-id="e2e-lecture"] [data-col="participants"]')?.textContent) === 120);
    assert.equal(await meetingRow("e2e-seminar").locator('[data-col="participants"]').innerText(), "12");
  });

  await step("end the meeting and see it leave", async () => {
    await page.getByRole("button", { name: "End meeting e2e-api-meeting" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "End meeting" }).click();
    await page.getByRole("status").filter({ hasText: "Meeting e2e-api-meeting ended" }).waitFor();
    await meetingRow("e2e-api-meeting").waitFor({ state: "detached" });
  });

  await step("a meeting ended elsewhere leaves the list live", async () => {
    await bbbAPI("create", { meetingID: "e2e-elsewhere", name: "Ended elsewhere", attendeePW: "ap", moderatorPW: "mp" });
    await meetingRow("e2e-elsewhere").waitFor({ timeout: 20000 });
    await bbbAPI("end", { meetingID: "e2e-elsewhere", password: "mp" });
    await meetingRow("e2e-elsewhere").waitFor({ state: "detached", timeout: 20000 });
  });

  await step("panic a server: its meetings are recoverable, and show where they are after recovery", async () => {
    await nav("Overview").click();
    await page.getByLabel("More actions for bbb-3").click();
    await page.getByRole("button", { name: "Panic…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Panic bbb-3?" }).waitFor();
    await dialog.getByLabel("Type bbb-3 to confirm").fill("bbb-2");
    await dialog.getByRole("button", { name: "Panic" }).click();
    assert.match(await dialog.getByRole("alert").innerText(), /Type the server id bbb-3 exactly/);
    assert.match(await dialog.innerText(), /stay in our records, recoverable/);
    await dialog.getByLabel("Type bbb-3 to confirm").fill("bbb-3");
    await dialog.getByRole("button", { name: "Panic" }).click();
    await page.getByRole("status").filter({ hasText: /Panicked bbb-3: now disabled, 2 meetings ended on BigBlueButton/ }).waitFor();
    await row("bbb-3").locator('[data-col="state"]', { hasText: "disabled" }).waitFor();
    assert.match(await row("bbb-3").getAttribute("class"), /state-disabled/);

    await nav("Meetings").click();
    const w = meetingRow("e2e-workshop");
    await w.locator("[data-recoverable]").waitFor();
    assert.match(await w.locator('[data-col="server"]').innerText(), /recoverable.*is disabled: the next create or join re-creates it on a healthy server/s);
    // The front-end creates it again: it is recovered on a healthy server, live.
    await bbbAPI("create", { meetingID: "e2e-workshop", name: "Workshop", attendeePW: "ap", moderatorPW: "mp" });
    await w.locator("[data-recovered-from]").waitFor({ timeout: 20000 });
    assert.equal(await w.locator("[data-recoverable]").count(), 0);
    assert.match(await w.locator('[data-col="server"]').innerText(), /recovered from 127\.0\.0\.1:\d+/);
  });

  await step("the server page shows its capacity, history and meetings", async () => {
    await page.goto(`${base}/admin/servers/bbb-2`);
    await page.getByRole("heading", { name: "Server bbb-2" }).waitFor();
    assert.match(await page.locator(".server-capacity").innerText(), /over capacity/);
    await meetingRow("e2e-lecture").waitFor();
    await page.locator("section.history .chart canvas").waitFor();
    await page.waitForFunction(() => Number(document.querySelector("section.history .chart")?.dataset.points) >= 1);
    // The load chart draws the server's capacity as a reference line.
    await page.locator("section.history .u-legend", { hasText: "Capacity now" }).waitFor();
    await shot("server");
  });

  await step("recordings list, unpublish and publish", async () => {
    await nav("Recordings").click();
    const rec = page.locator('tr[data-record-id="e2e-recording-1"]');
    await rec.waitFor();
    assert.match(await rec.innerText(), /published/);
    await page.getByRole("button", { name: "Unpublish e2e-recording-1", exact: true }).click();
    await page.getByRole("button", { name: "Publish e2e-recording-1", exact: true }).waitFor();
    assert.match(await rec.innerText(), /unpublished/);
    await page.getByRole("button", { name: "Publish e2e-recording-1", exact: true }).click();
    await page.getByRole("button", { name: "Unpublish e2e-recording-1", exact: true }).waitFor();
    await shot("recordings");
  });

  await step("tenants: add one and a setting", async () => {
    await nav("Tenants").click();
    await page.getByRole("button", { name: "Add tenant" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^Name\b/).fill("school1");
    await dialog.getByLabel(/^Secrets/).fill("school1-secret-aaaaaaaaaaaa");
    await dialog.getByRole("button", { name: "Add tenant" }).click();
    await page.locator('tr[data-tenant="school1"]').waitFor();
    await shot("tenants");
    await page.getByRole("link", { name: "school1" }).click();
    await page.getByRole("heading", { name: "Tenant school1" }).waitFor();
    await page.getByRole("button", { name: "Add setting" }).click();
    await dialog.getByLabel(/^Parameter/).fill("record");
    await dialog.getByLabel(/^Value\b/).fill("false");
    await dialog.getByRole("checkbox").check();
    await dialog.getByRole("button", { name: "Add setting" }).click();
    await page.locator('tr[data-setting="record"]', { hasText: "override" }).waitFor();
  });

  await step("a tenant's page shows only that tenant's data", async () => {
    await nav("Tenants").click();
    await page.getByRole("link", { name: "north" }).click();
    await page.getByRole("heading", { name: "Tenant north" }).waitFor();
    await meetingRow("e2e-seminar").waitFor();
    await page.locator('tr[data-record-id="north-recording-1"]').waitFor();
    assert.deepEqual(await page.locator("tr[data-meeting-id]").evaluateAll((rs) => rs.map((r) => r.dataset.meetingId)), ["e2e-seminar"]);
    assert.deepEqual(await page.locator("tr[data-record-id]").evaluateAll((rs) => rs.map((r) => r.dataset.recordId)), ["north-recording-1"]);
    assert.equal(await page.locator('[data-total="running"] .total-value').innerText(), "1");
    assert.equal(await page.locator('[data-total="participants"] .total-value').innerText(), "12");
    await page.locator("#tenant-usage").waitFor();
    await page.waitForFunction(() => Number(document.querySelector("section[aria-labelledby=tenant-usage] .chart")?.dataset.points) === 96);
    // Secrets are masked until an admin key reveals them.
    const secrets = page.locator('[data-field="secrets"]');
    assert.match(await secrets.innerText(), /••••/);
    assert.doesNotMatch(await secrets.innerText(), /north-secret/);
    await shot("tenant");
    await secrets.getByRole("button", { name: "Reveal secrets" }).click();
    await secrets.getByText("north-secret-0123456789").waitFor();
    await secrets.getByRole("button", { name: "Hide secrets" }).click();
    await page.getByRole("link", { name: /^All 1 recording of this tenant$/ }).click();
    await page.locator('tr[data-record-id="north-recording-1"]').waitFor();
    assert.equal(await page.locator("tr[data-record-id]").count(), 1);
  });

  await step("create an API key: shown once", async () => {
    await nav("API keys").click();
    await page.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("grafana");
    await dialog.getByLabel("Scope").selectOption("readonly");
    await dialog.getByRole("button", { name: "Create key" }).click();
    const created = page.locator("#created-key");
    await created.waitFor();
    readonlyKey = (await created.innerText()).trim();
    assert.match(readonlyKey, /^slk_\S{20,}$/);
    await page.getByRole("button", { name: "I have copied it" }).click();
    await page.locator('tr[data-key-name="grafana"]', { hasText: "readonly" }).waitFor();
    await created.waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Create key" }).click();
    await dialog.getByLabel("Name").fill("school1-portal");
    await dialog.getByLabel("Scope").selectOption("tenant:school1");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await created.waitFor();
    tenantKey = (await created.innerText()).trim();
    await page.getByRole("button", { name: "I have copied it" }).click();
    await created.waitFor({ state: "detached" });
    await page.locator('tr[data-key-name="school1-portal"]', { hasText: "tenant:school1" }).waitFor();
    await shot("api-keys");
  });

  await step("the audit log shows the cordon by this key", async () => {
    await nav("Audit log").click();
    const entry = page.locator('tr[data-action="cordonServer"]');
    await entry.waitFor();
    const text = await entry.innerText();
    assert.match(text, /e2e-console/);
    assert.match(text, /bbb-1/);
    assert.match(text, /ok/);
    const refused = page.locator('tr[data-action="setLoadMultiplier"]');
    assert.doesNotMatch(await refused.innerText(), /\bok\b/);
    await shot("audit");
  });

  await step("GraphiQL runs a query with the signed-in key", async () => {
    await nav("GraphQL").click();
    await page.getByRole("heading", { name: "GraphQL", exact: true }).waitFor();
    const ide = page.locator(".graphiql-container");
    await ide.waitFor();
    await page.getByRole("button", { name: /Execute query/ }).click();
    await page.locator(".graphiql-response").getByText('"clusterStatus"').waitFor();
    const result = await page.locator(".graphiql-response").innerText();
    assert.match(result, /"scope": "admin"/);
    assert.match(result, /"room": \d+/);
    // The key stays out of GraphiQL's (persisted) headers.
    const stored = await page.evaluate(() => JSON.stringify(localStorage));
    assert.ok(!stored.includes(key.slice(4)), "the API key was stored by GraphiQL");
    const csp = (await page.request.get(`${base}/admin/graphql`)).headers()["content-security-policy"];
    assert.match(csp, /script-src 'self';/);
    await shot("graphql");
  });

  await step("client routes survive a reload (index.html fallback)", async () => {
    await page.goto(`${base}/admin/audit`);
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.goto(`${base}/admin/servers/bbb-2`);
    await page.getByRole("heading", { name: "Server bbb-2" }).waitFor();
    await page.goto(`${base}/admin/no/such/page`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
  });

  await step("at 390 px the navigation and the key columns stay visible", async () => {
    await page.setViewportSize(phone);
    const pages = [
      ["overview", "", () => row("bbb-2").waitFor()],
      ["server", "servers/bbb-2", () => meetingRow("e2e-lecture").waitFor()],
      ["meetings", "meetings", () => meetingRow("e2e-seminar").waitFor()],
      ["recordings", "recordings", () => page.locator('tr[data-record-id="e2e-recording-1"]').waitFor()],
      ["tenants", "tenants", () => page.locator('tr[data-tenant="north"]').waitFor()],
      ["tenant", "tenants/north", () => meetingRow("e2e-seminar").waitFor()],
      ["api-keys", "api-keys", () => page.locator('tr[data-key-name="grafana"]').waitFor()],
      ["audit", "audit", () => page.locator('tr[data-action="cordonServer"]').waitFor()],
      ["graphql", "graphql", () => page.locator(".graphiql-container").waitFor()],
    ];
    for (const [name, route, ready] of pages) {
      await page.goto(`${base}/admin/${route}`);
      await ready();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name}: the page scrolls sideways by ${overflow}px`);
      for (const link of await page.getByRole("navigation", { name: "Sections" }).getByRole("link").all()) {
        const box = await link.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= phone.width + 1, `${name}: nav link ${await link.innerText()} is cut off`);
      }
      if (name === "overview") {
        // Hostname, state, load bar with its figures, room, users and meetings of every server
        // are on screen without scrolling sideways.
        for (const col of ["id", "state", "load", "room", "users", "meetings"]) {
          const box = await row("bbb-2").locator(`[data-col="${col}"]`).boundingBox();
          assert.ok(box && box.width > 0 && box.x + box.width <= phone.width + 1, `overview: column ${col} is not visible`);
        }
      }
      await shot(name);
    }
    await page.goto(`${base}/admin/`);
    await signOut();
    await shot("sign-in");
    await signIn(key);
    await page.setViewportSize(desktop);
  });

  await step("sign out forgets the key", async () => {
    await page.goto(`${base}/admin/`);
    await page.locator('.whoami[data-viewer="admin"]', { hasText: "e2e-console" }).waitFor();
    await signOut();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("scalelite.apiKey")), null);
  });

  await step("a read-only key sees everything but no button for a change", async () => {
    await signIn(readonlyKey);
    await page.locator('.whoami[data-viewer="readonly"]', { hasText: "grafana" }).waitFor();
    await row("bbb-2").waitFor();
    await noChangeButtons("overview");
    assert.equal(await page.locator('th[data-col="actions"]').count(), 0, "the overview has an Actions column");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot("overview-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await row("bbb-1").locator('th[data-col="id"] a').click();
    await page.locator('[data-field="state"]', { hasText: "cordoned" }).waitFor();
    await noChangeButtons("server page");

    await nav("Meetings").click();
    await meetingRow("e2e-seminar").waitFor();
    await noChangeButtons("meetings");

    await nav("Recordings").click();
    await page.locator('tr[data-record-id="e2e-recording-1"]').waitFor();
    await noChangeButtons("recordings");

    await nav("Tenants").click();
    await page.getByRole("link", { name: "school1" }).click();
    await page.locator('tr[data-setting="record"]').waitFor();
    await page.getByText("Hidden: only admin keys may read secrets.").waitFor();
    await noChangeButtons("tenant page");

    await nav("API keys").click();
    await page.locator('tr[data-key-name="grafana"]').waitFor();
    await noChangeButtons("API keys");

    await nav("Audit log").click();
    await page.locator('tr[data-action="cordonServer"]').waitFor();
    await noChangeButtons("audit log");

    // Hiding is a courtesy: the server refuses the change anyway.
    const res = await graphql(readonlyKey, 'mutation { cordonServer(id: "bbb-2") { id } }');
    assert.equal(res.errors?.[0]?.extensions?.code, "FORBIDDEN");
    await signOut();
  });

  await step("a tenant key sees only its tenant's views, without server actions", async () => {
    await signIn(tenantKey);
    await page.locator('.whoami[data-viewer="tenant:school1"]', { hasText: "school1-portal" }).waitFor();
    await row("bbb-2").waitFor();
    await noChangeButtons("overview");
    const links = (await page.getByRole("navigation", { name: "Sections" }).innerText()).split("\n").map((t) => t.trim()).filter(Boolean);
    assert.deepEqual(links, ["Overview", "Meetings", "Recordings", "Tenants", "GraphQL"]);

    await nav("Meetings").click();
    await page.getByText("Meetings of tenant school1 only").waitFor();
    await page.getByText("No meetings match.").waitFor();
    assert.equal(await page.getByLabel("Tenant id").count(), 0, "a tenant key is offered the tenant filter");

    await nav("Recordings").click();
    await page.getByText("No recordings match.").waitFor();

    await nav("Tenants").click();
    await page.locator('tr[data-tenant="school1"]').waitFor();
    assert.equal(await page.locator("tr[data-tenant]").count(), 1);
    await noChangeButtons("tenants");

    await page.goto(`${base}/admin/audit`);
    await page.getByRole("heading", { name: "Not available to this key" }).waitFor();
    await signOut();
  });

  await step("no page errors, console errors, failed requests or requests to other hosts", async () => {
    assert.deepEqual(problems, []);
  });
} catch {
  // reported by step
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
