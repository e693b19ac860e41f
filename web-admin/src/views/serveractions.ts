// Server lifecycle actions shared by the overview and the server page (admin keys only). Each
// asks for confirmation where it is destructive, runs the mutation, reports the outcome and
// resolves true when something changed.
//
// Panic (and a forced disable) ends the server's meetings on BigBlueButton but keeps their rows
// running in our records: they are recoverable, re-created on a healthy server by their next
// create or join, and ended by the poller if nobody comes back within DEFAULT_MEETING_TTL. Remove
// sends no end calls; its meetings are recoverable the same way (docs/operations.md).

import type { App } from "../app";
import { h } from "../dom";
import { GraphQLError } from "../gql";
import {
  AddServerDocument,
  CordonServerDocument,
  DisableServerDocument,
  EnableServerDocument,
  PanicServerDocument,
  PollServersDocument,
  RemoveServerDocument,
  SetLoadMultiplierDocument,
  type AddServerInput,
  type PanicServerMutation,
  type ServerState,
} from "../gql/graphql";
import { button, confirmDialog, formDialog, notify, notifyError } from "../ui";

type PanicResult = PanicServerMutation["panicServer"];

const recoverableNote = "they stay in our records, recoverable: the next create or join of each re-creates it on a healthy server";

function reportPanic(what: string, r: PanicResult, skippedEndCalls = false): void {
  const n = r.endedMeetings.length;
  const meetings = `${n} meeting${n === 1 ? "" : "s"}`;
  const outcome =
    n === 0 ? "no meetings to end." : skippedEndCalls ? `${meetings} not ended on BigBlueButton (end calls skipped); ${recoverableNote}.` : `${meetings} ended on BigBlueButton; ${recoverableNote}.`;
  notify(
    h(
      "div",
      null,
      `${what} ${r.server.id}: now ${r.server.state.toLowerCase()}, ${outcome}`,
      r.endErrors.length ? h("ul", { class: "error-list" }, r.endErrors.map((e) => h("li", null, e))) : null,
    ),
    r.endErrors.length ? "error" : "ok",
  );
}

async function run(what: string, f: () => Promise<void>): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    notifyError(what, e);
    return false;
  }
}

export function enableServer(app: App, id: string): Promise<boolean> {
  return run(`Enable ${id}`, async () => {
    const d = await app.client.request(EnableServerDocument, { id });
    notify(`Server ${id} is ${d.enableServer.state.toLowerCase()}.`);
  });
}

export function cordonServer(app: App, id: string): Promise<boolean> {
  return run(`Cordon ${id}`, async () => {
    const d = await app.client.request(CordonServerDocument, { id });
    notify(`Server ${id} is ${d.cordonServer.state.toLowerCase()}: it keeps its meetings and takes no new ones.`);
  });
}

export async function disableServer(app: App, id: string): Promise<boolean> {
  const ok = await confirmDialog({
    title: `Disable ${id}?`,
    body: h("p", null, "A disabled server takes no meetings. A server that still has meetings is refused unless you force it, which panics it: its meetings are ended on BigBlueButton and stay recoverable."),
    confirm: "Disable",
    danger: true,
  });
  if (!ok) return false;
  try {
    const d = await app.client.request(DisableServerDocument, { id, force: false });
    reportPanic("Disabled", d.disableServer);
    return true;
  } catch (e) {
    if (!(e instanceof GraphQLError && e.has("CONFLICT"))) {
      notifyError(`Disable ${id}`, e);
      return false;
    }
    const force = await confirmDialog({
      title: `${id} still has meetings`,
      body: h(
        "div",
        null,
        h("p", null, e.message),
        h("p", null, "Force it: disable the server, then end each of its meetings on BigBlueButton (users are disconnected)."),
        h("p", null, "The meetings stay in our records, recoverable: the next create or join of each re-creates it on a healthy server; the poller ends those not recovered within DEFAULT_MEETING_TTL (24 hours by default)."),
      ),
      confirm: "End meetings and disable",
      danger: true,
      requireText: id,
    });
    if (!force) return false;
    return run(`Disable ${id}`, async () => {
      const d = await app.client.request(DisableServerDocument, { id, force: true });
      reportPanic("Disabled", d.disableServer);
    });
  }
}

export function panicServer(app: App, id: string): Promise<boolean> {
  return formDialog({
    title: `Panic ${id}?`,
    intro: h(
      "div",
      null,
      h("p", null, "The server is disabled (unless you keep its state), then ", h("strong", null, "every meeting on it is ended on BigBlueButton"), " (unless you skip the end calls): users are disconnected."),
      h("p", null, "The meetings stay in our records, recoverable: the next create or join of each re-creates it on a healthy server; the poller ends those not recovered within DEFAULT_MEETING_TTL (24 hours by default). With the state kept, the server stays joinable and keeps them: the next create of each re-creates it there, and the poller ends the others after two polls."),
    ),
    fields: [
      { name: "confirm", label: `Type ${id} to confirm`, required: true, autocomplete: "off" },
      { name: "keepState", label: "Keep the server's state (do not disable it)", type: "checkbox" },
      { name: "skipEndCalls", label: "Skip the BigBlueButton end calls (the server is unreachable)", type: "checkbox" },
    ],
    submit: "Panic",
    danger: true,
    onSubmit: async (v) => {
      if (String(v.confirm).trim() !== id) throw new Error(`Type the server id ${id} exactly to confirm.`);
      const d = await app.client.request(PanicServerDocument, { id, keepState: v.keepState === true, skipEndCalls: v.skipEndCalls === true });
      reportPanic("Panicked", d.panicServer, v.skipEndCalls === true);
    },
  });
}

export function setLoadMultiplier(app: App, id: string, current: number): Promise<boolean> {
  return formDialog({
    title: `Load multiplier of ${id}`,
    intro: h("p", null, "A larger multiplier marks a weaker server: it gets fewer meetings. Must be positive."),
    fields: [{ name: "loadMultiplier", label: "Load multiplier", type: "number", step: "any", min: "0", required: true, value: String(current) }],
    submit: "Save",
    onSubmit: async (v) => {
      const value = Number(v.loadMultiplier);
      if (!Number.isFinite(value)) throw new Error("Enter a number.");
      await app.client.request(SetLoadMultiplierDocument, { id, m: value });
      notify(`Load multiplier of ${id} set to ${value}.`);
    },
  });
}

export async function removeServer(app: App, id: string): Promise<boolean> {
  const ok = await confirmDialog({
    title: `Remove ${id}?`,
    body: h(
      "p",
      null,
      "The server leaves the pool. No end calls are sent: panic it first to end its meetings on BigBlueButton. Its meetings stay in our records, recoverable (re-created on a healthy server by their next create or join), until the poller ends them after DEFAULT_MEETING_TTL.",
    ),
    confirm: "Remove server",
    danger: true,
    requireText: id,
  });
  if (!ok) return false;
  return run(`Remove ${id}`, async () => {
    await app.client.request(RemoveServerDocument, { id });
    notify(`Server ${id} removed.`);
  });
}

export function addServer(app: App): Promise<boolean> {
  return formDialog({
    title: "Add a server",
    intro: h("p", null, "New servers start disabled and offline, as in Scalelite; the poller brings them online."),
    fields: [
      { name: "url", label: "API URL", type: "url", required: true, placeholder: "https://bbb1.example.com/bigbluebutton/api" },
      { name: "secret", label: "Shared secret", type: "password", required: true },
      { name: "loadMultiplier", label: "Load multiplier", type: "number", step: "any", min: "0", placeholder: "1.0" },
      { name: "tag", label: "Tag", placeholder: "none" },
      { name: "id", label: "Server id", help: "Absent: a random UUID (or the host name with SERVER_ID_IS_HOSTNAME)." },
      { name: "enable", label: "Enable it now", type: "checkbox", value: true },
    ],
    submit: "Add server",
    onSubmit: async (v) => {
      const input: AddServerInput = { url: String(v.url).trim(), secret: String(v.secret) };
      if (String(v.loadMultiplier).trim() !== "") input.loadMultiplier = Number(v.loadMultiplier);
      if (String(v.tag).trim() !== "") input.tag = String(v.tag).trim();
      if (String(v.id).trim() !== "") input.id = String(v.id).trim();
      const d = await app.client.request(AddServerDocument, { input });
      const id = d.addServer.server.id;
      for (const w of d.addServer.warnings) notify(`Warning: ${w}`, "info");
      if (v.enable === true) {
        await app.client.request(EnableServerDocument, { id });
      }
      notify(`Server ${id} added${v.enable === true ? " and enabled" : ""}.`);
    },
  });
}

export function pollServers(app: App): Promise<boolean> {
  return run("Poll", async () => {
    const d = await app.client.request(PollServersDocument);
    notify(`Polled ${d.pollServers.length} server${d.pollServers.length === 1 ? "" : "s"}.`);
  });
}

/** serverActions is the actions cell of a server: its next state change and a menu. */
export function serverActions(app: App, row: { id: string; state: ServerState; loadMultiplier: number }, after: () => void, small = true): HTMLElement {
  const then = (p: Promise<boolean>) => p.then((changed) => changed && after());
  const primary =
    row.state === "ENABLED"
      ? button("Cordon", () => then(cordonServer(app, row.id)), { small, label: `Cordon ${row.id}`, title: "Keep its meetings, take no new ones" })
      : button("Enable", () => then(enableServer(app, row.id)), { small, label: `Enable ${row.id}`, title: "Take new meetings" });
  const item = (text: string, f: () => Promise<boolean>, danger = false) =>
    h("li", null, button(text, () => {
      menu.open = false;
      return then(f());
    }, { kind: danger ? "danger" : "ghost", small: true }));
  const menu = h(
    "details",
    { class: "menu" },
    h("summary", { class: small ? "btn btn-small" : "btn", "aria-label": `More actions for ${row.id}` }, "More"),
    h(
      "ul",
      { class: "menu-list" },
      row.state !== "DISABLED" ? item("Disable…", () => disableServer(app, row.id), true) : null,
      item("Load multiplier…", () => setLoadMultiplier(app, row.id, row.loadMultiplier)),
      item("Panic…", () => panicServer(app, row.id), true),
      item("Remove…", () => removeServer(app, row.id), true),
    ),
  );
  return h("div", { class: "actions" }, primary, menu);
}
