// Recordings: filter (IDs, prefixes, meetings, states, metadata), pagination, publish,
// unpublish, protect and delete, one at a time or for the selected ones.

import type { App, View } from "../app";
import { h, num, replace, time } from "../dom";
import { DeleteRecordingsDocument, ProtectRecordingsDocument, PublishRecordingsDocument, RecordingsDocument, type RecordingFilter, type RecordingsQuery } from "../gql/graphql";
import { Pager } from "../pager";
import { badge, button, confirmDialog, errorBox, fieldControl, notify, notifyError } from "../ui";

type RecordingNode = RecordingsQuery["recordings"]["nodes"][number];

const columns = ["Recording", "Meeting", "State", "Participants", "Started", "Length", "Formats"];

const states = ["processing", "processed", "published", "unpublished", "deleted"];

function list(v: string): string[] | undefined {
  const items = v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

/** parseMetadata reads "key=value" lines. */
export function parseMetadata(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t) continue;
    const i = t.indexOf("=");
    if (i <= 0) throw new Error(`Metadata filter "${t}" is not key=value`);
    out.push({ key: t.slice(0, i).trim(), value: t.slice(i + 1).trim() });
  }
  return out;
}

export function recordingsView(app: App, _params: Record<string, string>, q: URLSearchParams): View {
  const pager = new Pager(50);
  const el = h("section", { class: "view" });
  const results = h("div");
  const bulk = h("div", { class: "bulk", role: "region", "aria-label": "Selected recordings" });
  const selected = new Set<string>();
  let current: RecordingNode[] = [];
  let disposed = false;

  const meetingIDs = fieldControl({ name: "meetingIDs", label: "Meeting IDs", value: q.get("meetingID") ?? "", placeholder: "any", help: "Comma-separated." });
  const recordIDs = fieldControl({ name: "recordIDs", label: "Record ID or prefix", value: q.get("recordID") ?? "", placeholder: "any", help: "Prefix match." });
  const tenant = q.get("tenant");
  const metadata = fieldControl({ name: "metadata", label: "Metadata", type: "textarea", rows: 1, value: tenant ? `tenant-id=${tenant}` : "", placeholder: "key=value per line", help: "Keys are AND-ed, values of one key OR-ed." });
  const stateBoxes = states.map((s) => {
    const c = fieldControl({ name: `state-${s}`, label: s, type: "checkbox", value: s !== "deleted" && (q.get("states")?.split(",").includes(s) ?? false) });
    return { s, ...c };
  });

  const filter = () => {
    const f: RecordingFilter = {};
    const m = list(meetingIDs.input.value);
    if (m) f.meetingIDs = m;
    const r = list(recordIDs.input.value);
    if (r) f.recordIDPrefixes = r;
    const st = stateBoxes.filter((b) => (b.input as HTMLInputElement).checked).map((b) => b.s);
    if (st.length) f.states = st;
    const md = parseMetadata(metadata.input.value);
    if (md.length) f.metadata = md;
    return f;
  };

  const renderBulk = () => {
    const ids = [...selected];
    if (ids.length === 0) {
      replace(bulk);
      bulk.hidden = true;
      return;
    }
    bulk.hidden = false;
    replace(
      bulk,
      h("span", null, `${ids.length} selected`),
      button("Publish", () => publish(ids, true), { small: true }),
      button("Unpublish", () => publish(ids, false), { small: true }),
      button("Delete…", () => remove(ids), { small: true, kind: "danger" }),
      button("Clear selection", () => {
        selected.clear();
        for (const cb of results.querySelectorAll<HTMLInputElement>("input[data-select]")) cb.checked = false;
        renderBulk();
      }, { small: true, kind: "ghost" }),
    );
  };

  const after = async (what: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      notifyError(what, e);
    }
    await load();
  };

  const publish = (ids: string[], on: boolean) =>
    after(`${on ? "Publish" : "Unpublish"} ${ids.length} recording(s)`, async () => {
      const d = await app.client.request(PublishRecordingsDocument, { ids, publish: on });
      notify(`${d.publishRecordings.length} recording(s) ${on ? "published" : "unpublished"}.`);
    });

  const protect = (ids: string[], on: boolean) =>
    after(`${on ? "Protect" : "Unprotect"} ${ids.length} recording(s)`, async () => {
      await app.client.request(ProtectRecordingsDocument, { ids, on });
      notify(`${ids.length} recording(s) ${on ? "protected" : "unprotected"}.`);
    });

  const remove = async (ids: string[]) => {
    const ok = await confirmDialog({
      title: ids.length === 1 ? `Delete recording ${ids[0]}?` : `Delete ${ids.length} recordings?`,
      body: h("p", null, "Their files and index entries are deleted. This cannot be undone."),
      confirm: "Delete",
      danger: true,
      requireText: ids.length === 1 ? undefined : "delete",
    });
    if (!ok) return;
    await after(`Delete ${ids.length} recording(s)`, async () => {
      await app.client.request(DeleteRecordingsDocument, { ids });
      for (const id of ids) selected.delete(id);
      notify(`${ids.length} recording(s) deleted.`);
    });
  };

  const row = (r: RecordingNode) => {
    const cb = h("input", { type: "checkbox", "data-select": r.recordID, "aria-label": `Select ${r.recordID}`, checked: selected.has(r.recordID) });
    cb.addEventListener("change", () => {
      if (cb.checked) selected.add(r.recordID);
      else selected.delete(r.recordID);
      renderBulk();
    });
    const length = Math.max(0, ...r.formats.map((f) => f.length));
    const can = app.can.changeRecordings;
    return h(
      "tr",
      { "data-record-id": r.recordID },
      can ? h("td", { class: "col-select" }, cb) : null,
      h("th", { scope: "row" }, h("code", { class: "wrap" }, r.recordID), h("div", { class: "muted small" }, r.name || "—")),
      h("td", null, h("a", { href: app.href(`recordings?meetingID=${encodeURIComponent(r.meetingID)}`) }, h("code", null, r.meetingID))),
      h(
        "td",
        null,
        r.state ? badge(r.state, r.state === "published" ? "ok" : r.state === "deleted" ? "bad" : r.state === "unpublished" ? "muted" : "info") : badge("unknown"),
        r.protected ? [" ", badge("protected", "warn")] : null,
      ),
      h("td", { class: "num" }, num(r.participants)),
      h("td", null, time(r.startTime)),
      h("td", { class: "num" }, `${length} min`),
      h(
        "td",
        null,
        r.formats.length
          ? h("ul", { class: "plain" }, r.formats.map((f) => h("li", null, h("a", { href: f.url, target: "_blank", rel: "noopener noreferrer" }, f.format))))
          : h("span", { class: "muted" }, "—"),
      ),
      can
        ? h(
            "td",
            { class: "col-actions" },
            h(
              "div",
              { class: "actions" },
              r.state === "deleted"
                ? null
                : [
                    r.published
                      ? button("Unpublish", () => publish([r.recordID], false), { small: true, label: `Unpublish ${r.recordID}` })
                      : button("Publish", () => publish([r.recordID], true), { small: true, label: `Publish ${r.recordID}` }),
                    r.protected
                      ? button("Unprotect", () => protect([r.recordID], false), { small: true, kind: "ghost", label: `Unprotect ${r.recordID}` })
                      : button("Protect", () => protect([r.recordID], true), { small: true, kind: "ghost", label: `Protect ${r.recordID}` }),
                    button("Delete", () => remove([r.recordID]), { small: true, kind: "danger", label: `Delete ${r.recordID}` }),
                  ],
            ),
          )
        : null,
    );
  };

  async function load(): Promise<void> {
    results.setAttribute("aria-busy", "true");
    try {
      const d = await app.client.request(RecordingsDocument, { filter: filter(), first: pager.size, after: pager.after });
      if (disposed) return;
      const c = d.recordings;
      current = c.nodes;
      const all = h("input", { type: "checkbox", "aria-label": "Select every recording on this page" });
      all.checked = current.length > 0 && current.every((r) => selected.has(r.recordID));
      all.addEventListener("change", () => {
        for (const r of current) (all.checked ? selected.add(r.recordID) : selected.delete(r.recordID));
        for (const cb of results.querySelectorAll<HTMLInputElement>("input[data-select]")) cb.checked = all.checked;
        renderBulk();
      });
      replace(
        results,
        c.nodes.length === 0
          ? h("p", { class: "empty" }, "No recordings match.")
          : h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { class: "table" },
                h(
                  "thead",
                  null,
                  h(
                    "tr",
                    null,
                    app.can.changeRecordings ? h("th", { scope: "col", class: "col-select" }, all) : null,
                    [...columns, ...(app.can.changeRecordings ? ["Actions"] : [])].map((t) => h("th", { scope: "col" }, t)),
                  ),
                ),
                h("tbody", null, c.nodes.map(row)),
              ),
            ),
        pager.controls(c.pageInfo, c.totalCount, c.nodes.length, () => void load(), "recordings"),
      );
      renderBulk();
    } catch (e) {
      if (!disposed) replace(results, errorBox(e, "Loading recordings", () => void load()));
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter recordings" },
    recordIDs.el,
    meetingIDs.el,
    h("fieldset", { class: "field states" }, h("legend", null, "States ", h("small", { class: "muted" }, "(none: all but deleted)")), stateBoxes.map((b) => b.el)),
    metadata.el,
    h("div", { class: "filters-actions" }, h("button", { class: "btn btn-primary", type: "submit" }, "Apply")),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    pager.reset();
    selected.clear();
    void load();
  });

  bulk.hidden = true;
  replace(
    el,
    h("div", { class: "view-head" }, h("h1", null, "Recordings"), h("div", { class: "toolbar" }, button("Refresh", () => load()))),
    app.viewer.tenant ? h("p", { class: "muted" }, `Recordings of tenant ${app.viewer.tenant} only (this key's scope).`) : null,
    form,
    bulk,
    results,
  );
  replace(results, h("p", { class: "loading", role: "status" }, "Loading…"));
  void load();
  return { title: "Recordings", el, dispose: () => (disposed = true) };
}
