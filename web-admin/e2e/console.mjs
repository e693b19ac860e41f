// End-to-end test of the console in headless Chromium, driven by playwright-core against a
// running balancer. Run by web-admin/e2e_test.go (go test ./web-admin -run TestConsoleEndToEnd),
// which starts the balancer and sets:
//   BASE_URL       the balancer's base URL (the console is at BASE_URL/admin/)
//   API_KEY        an admin API key named e2e-console (the test creates a read-only and a tenant
//                  key with it)
//   CHROMIUM_PATH  the Chromium binary (default /usr/bin/chromium); no browser is ever downloaded
//   SCREENSHOT_DIR where the screenshots go (default: none taken)
// The balancer's pool: bbb-1, bbb-2, bbb-3 enabled; meeting e2e-room on bbb-1 whose users change
// every 500 ms, followed by a poll; meeting e2e-seminar on bbb-2; recording e2e-recording-1.

import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import path from "node:path";

const base = process.env.BASE_URL;
const key = process.env.API_KEY;
const shots = process.env.SCREENSHOT_DIR || "";
if (!base || !key) {
  console.error("BASE_URL and API_KEY are required");
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
    await shot(page, "failed").catch(() => {});
    throw e;
  }
}

async function shot(page, name) {
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
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
let graphqlPosts = 0;
page.on("request", (r) => {
  if (r.url().endsWith("/graphql") && r.method() === "POST") graphqlPosts++;
});

const row = (id) => page.locator(`tr[data-server-id="${id}"]`);
let readonlyKey = "";
let tenantKey = "";

// The only buttons a key that may change nothing sees in a page: reading, filtering, paging.
const readingButtons = new Set(["Refresh", "Apply", "← Previous", "Next →", "Load more", "Retry"]);

async function noChangeButtons(where) {
  const texts = (await page.locator("main button").allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(texts.filter((t) => !readingButtons.has(t)), [], `${where}: buttons for changes are shown`);
  assert.equal(await page.locator("main details.menu").count(), 0, `${where}: an actions menu is shown`);
  assert.equal(await page.locator("main input[data-select]").count(), 0, `${where}: selection boxes are shown`);
}

// signIn signs in on the sign-in form (which keeps the page's URL), then opens the overview.
async function signIn(k) {
  await page.getByLabel("API key").fill(k);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".whoami").waitFor();
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Overview" }).click();
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

try {
  await step("the console loads at /admin/ and asks for a key", async () => {
    const resp = await page.goto(`${base}/admin/`);
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()["content-type"], /^text\/html/);
    await page.getByRole("heading", { name: "Sign in to the console" }).waitFor();
    await shot(page, "01-sign-in");
  });

  await step("a wrong key is refused with its code", async () => {
    await page.getByLabel("API key").fill("slk_not-a-real-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /UNAUTHENTICATED/);
    await shot(page, "02-sign-in-refused");
  });

  await step("sign in with the API key", async () => {
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Cluster overview" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("scalelite.apiKey")), key);
  });

  await step("the overview shows the totals and every server", async () => {
    for (const id of ["bbb-1", "bbb-2", "bbb-3"]) await row(id).waitFor();
    assert.match(await row("bbb-1").locator('[data-col="state"]').innerText(), /enabled/);
    assert.match(await row("bbb-1").locator('[data-col="online"]').innerText(), /online/);
    assert.match(await page.locator('[data-total="servers"] .total-value').innerText(), /^3$/);
    assert.match(await row("bbb-2").locator('[data-col="users"]').innerText(), /^12$/);
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
    // And once more, to be sure it keeps flowing.
    await page.waitForFunction(
      ([sel, old]) => document.querySelector(sel)?.textContent !== old,
      ['tr[data-server-id="bbb-1"] [data-col="users"]', after],
      { timeout: 20000 },
    );
    console.log(`     bbb-1 users: ${before} -> ${after} -> ${await cell.innerText()}`);
    await shot(page, "03-overview");
  });

  await step("cordon a server", async () => {
    await page.getByRole("button", { name: "Cordon bbb-1" }).click();
    await page.getByRole("status").filter({ hasText: "Server bbb-1 is cordoned" }).waitFor();
    await row("bbb-1").locator('[data-col="state"]', { hasText: "cordoned" }).waitFor();
    await page.getByRole("button", { name: "Enable bbb-1" }).waitFor();
    await page.locator('[data-total="states"] .total-value', { hasText: "2 / 1 / 0" }).waitFor();
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
    await shot(page, "04-error-in-dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  });

  await step("panic asks for the server id before anything happens", async () => {
    await page.getByLabel("More actions for bbb-3").click();
    await page.getByRole("button", { name: "Panic…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Panic bbb-3?" }).waitFor();
    await dialog.getByLabel("Type bbb-3 to confirm").fill("bbb-2");
    await dialog.getByRole("button", { name: "Panic" }).click();
    assert.match(await dialog.getByRole("alert").innerText(), /Type the server id bbb-3 exactly/);
    assert.match(await dialog.innerText(), /stay in our records, recoverable/);
    await shot(page, "04-panic-dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.match(await row("bbb-3").locator('[data-col="state"]').innerText(), /enabled/);
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

  await step("add a server, then remove it", async () => {
    await page.getByRole("button", { name: "Add server" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^API URL/).fill("http://127.0.0.1:9/bigbluebutton/api");
    await dialog.getByLabel(/^Shared secret/).fill("extra-secret");
    await dialog.getByLabel(/^Tag/).fill("spare");
    await dialog.getByLabel(/^Server id/).fill("bbb-extra");
    await dialog.getByRole("button", { name: "Add server" }).click();
    await row("bbb-extra").locator('[data-col="state"]', { hasText: "enabled" }).waitFor();
    assert.match(await row("bbb-extra").locator('[data-col="tag"]').innerText(), /spare/);
    await page.getByLabel("More actions for bbb-extra").click();
    await page.getByRole("button", { name: "Remove…" }).click();
    const confirm = page.getByRole("dialog");
    const remove = confirm.getByRole("button", { name: "Remove server" });
    assert.equal(await remove.isDisabled(), true, "remove waits for the typed id");
    await confirm.getByRole("textbox").fill("bbb-extra");
    await remove.click();
    await row("bbb-extra").waitFor({ state: "detached" });
  });

  await step("panic a server", async () => {
    await page.getByLabel("More actions for bbb-3").click();
    await page.getByRole("button", { name: "Panic…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Type bbb-3 to confirm").fill("bbb-3");
    await dialog.getByRole("button", { name: "Panic" }).click();
    await page.getByRole("status").filter({ hasText: "Panicked bbb-3: now disabled, no meetings to end." }).waitFor();
    await row("bbb-3").locator('[data-col="state"]', { hasText: "disabled" }).waitFor();
  });

  await step("the server page shows its fields and meetings", async () => {
    await row("bbb-1").getByRole("link", { name: "bbb-1" }).click();
    await page.getByRole("heading", { name: "Server bbb-1" }).waitFor();
    assert.match(page.url(), /\/admin\/servers\/bbb-1$/);
    await page.locator('[data-field="state"]', { hasText: "cordoned" }).waitFor();
    await page.getByText("e2e-room").waitFor();
    await shot(page, "05-server");
  });

  await step("meetings list and end meeting", async () => {
    await page.getByRole("link", { name: "Meetings" }).click();
    await page.getByRole("heading", { name: "Meetings" }).waitFor();
    await page.locator('tr[data-meeting-id="e2e-room"]').waitFor();
    await page.locator('tr[data-meeting-id="e2e-seminar"]').waitFor();
    await shot(page, "06-meetings");
    await page.getByRole("button", { name: "End meeting e2e-seminar" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "End meeting" }).click();
    await page.getByRole("status").filter({ hasText: "Meeting e2e-seminar ended" }).waitFor();
    await page.locator('tr[data-meeting-id="e2e-seminar"]').waitFor({ state: "detached" });
  });

  await step("recordings list, unpublish and publish", async () => {
    await page.getByRole("link", { name: "Recordings" }).click();
    const rec = page.locator('tr[data-record-id="e2e-recording-1"]');
    await rec.waitFor();
    assert.match(await rec.innerText(), /published/);
    await page.getByRole("button", { name: "Unpublish e2e-recording-1", exact: true }).click();
    await page.getByRole("button", { name: "Publish e2e-recording-1", exact: true }).waitFor();
    assert.match(await rec.innerText(), /unpublished/);
    await page.getByRole("button", { name: "Publish e2e-recording-1", exact: true }).click();
    await page.getByRole("button", { name: "Unpublish e2e-recording-1", exact: true }).waitFor();
    await shot(page, "07-recordings");
  });

  await step("tenants: add one and a setting", async () => {
    await page.getByRole("link", { name: "Tenants" }).click();
    await page.getByRole("button", { name: "Add tenant" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^Name\b/).fill("school1");
    await dialog.getByLabel(/^Secrets/).fill("school1-secret-aaaaaaaaaaaa");
    await dialog.getByRole("button", { name: "Add tenant" }).click();
    await page.getByRole("link", { name: "school1" }).click();
    await page.getByRole("heading", { name: "Tenant school1" }).waitFor();
    await page.getByRole("button", { name: "Add setting" }).click();
    await dialog.getByLabel(/^Parameter/).fill("record");
    await dialog.getByLabel(/^Value\b/).fill("false");
    await dialog.getByRole("checkbox").check();
    await dialog.getByRole("button", { name: "Add setting" }).click();
    await page.locator('tr[data-setting="record"]', { hasText: "override" }).waitFor();
    await page.getByRole("button", { name: "Reveal secrets" }).click();
    await page.getByText("school1-secret-aaaaaaaaaaaa").waitFor();
  });

  await step("create an API key: shown once", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("grafana");
    await dialog.getByLabel("Scope").selectOption("readonly");
    await dialog.getByRole("button", { name: "Create key" }).click();
    const created = page.locator("#created-key");
    await created.waitFor();
    readonlyKey = (await created.innerText()).trim();
    assert.match(readonlyKey, /^slk_\S{20,}$/);
    await shot(page, "08-api-key-created");
    await page.getByRole("button", { name: "I have copied it" }).click();
    await page.locator('tr[data-key-name="grafana"]', { hasText: "readonly" }).waitFor();
    // The list was reloaded before the key was shown: wait for the dialog to go, not the row.
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
  });

  await step("the audit log shows the cordon by this key", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    const entry = page.locator('tr[data-action="cordonServer"]');
    await entry.waitFor();
    const text = await entry.innerText();
    assert.match(text, /e2e-console/);
    assert.match(text, /bbb-1/);
    assert.match(text, /ok/);
    const refused = page.locator('tr[data-action="setLoadMultiplier"]');
    assert.doesNotMatch(await refused.innerText(), /\bok\b/);
    await shot(page, "09-audit");
  });

  await step("client routes survive a reload (index.html fallback)", async () => {
    await page.reload();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.goto(`${base}/admin/servers/bbb-2`);
    await page.getByRole("heading", { name: "Server bbb-2" }).waitFor();
    await page.goto(`${base}/admin/no/such/page`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
  });

  await step("narrow screens get a usable layout", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/admin/`);
    await row("bbb-1").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    await shot(page, "10-overview-mobile");
    await page.setViewportSize({ width: 1360, height: 900 });
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
    await shot(page, "11-read-only-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await row("bbb-1").getByRole("link", { name: "bbb-1" }).click();
    await page.locator('[data-field="state"]', { hasText: "cordoned" }).waitFor();
    await page.getByText("e2e-room").waitFor();
    await noChangeButtons("server page");

    await page.getByRole("link", { name: "Meetings" }).click();
    await page.locator('tr[data-meeting-id="e2e-room"]').waitFor();
    await noChangeButtons("meetings");

    await page.getByRole("link", { name: "Recordings" }).click();
    await page.locator('tr[data-record-id="e2e-recording-1"]').waitFor();
    await noChangeButtons("recordings");

    await page.getByRole("link", { name: "Tenants" }).click();
    await page.getByRole("link", { name: "school1" }).click();
    await page.locator('tr[data-setting="record"]').waitFor();
    await page.getByText("Hidden: only admin keys may read secrets.").waitFor();
    await noChangeButtons("tenant page");

    await page.getByRole("link", { name: "API keys" }).click();
    await page.locator('tr[data-key-name="grafana"]').waitFor();
    await noChangeButtons("API keys");

    await page.getByRole("link", { name: "Audit log" }).click();
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
    await row("bbb-1").waitFor();
    await noChangeButtons("overview");
    const nav = (await page.getByRole("navigation", { name: "Sections" }).innerText()).split("\n").map((t) => t.trim()).filter(Boolean);
    assert.deepEqual(nav, ["Overview", "Meetings", "Recordings", "Tenants"]);
    await shot(page, "12-tenant-key");

    await page.getByRole("link", { name: "Meetings" }).click();
    await page.getByText("Meetings of tenant school1 only").waitFor();
    await page.getByText("No meetings match.").waitFor();
    assert.equal(await page.getByLabel("Tenant id").count(), 0, "a tenant key is offered the tenant filter");

    await page.getByRole("link", { name: "Recordings" }).click();
    await page.getByText("No recordings match.").waitFor();

    await page.getByRole("link", { name: "Tenants" }).click();
    await page.locator('tr[data-tenant="school1"]').waitFor();
    assert.equal(await page.locator("tr[data-tenant]").count(), 1);
    await noChangeButtons("tenants");

    await page.goto(`${base}/admin/audit`);
    await page.getByRole("heading", { name: "Not available to this key" }).waitFor();
    await signOut();
  });

  await step("no page errors, console errors or failed requests", async () => {
    assert.deepEqual(problems, []);
  });
} catch {
  // reported by step
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
