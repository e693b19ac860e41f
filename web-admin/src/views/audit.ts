// The audit log of mutations, newest first, with "Load more".

import type { App, View } from "../app";
import { append, h, replace, time } from "../dom";
import { AuditLogDocument } from "../gql/graphql";
import { badge, button, errorBox } from "../ui";


function args(raw: string): Node {
  let text = raw;
  try {
    const v = JSON.parse(raw);
    if (v === null || (typeof v === "object" && Object.keys(v).length === 0)) return h("span", { class: "muted" }, "—");
    text = JSON.stringify(v);
  } catch {
    // keep raw
  }
  if (text.length <= 80) return h("code", { class: "wrap" }, text);
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // keep raw
  }
  return h("details", null, h("summary", null, h("code", null, text.slice(0, 70) + "…")), h("pre", null, pretty));
}

export function auditView(app: App): View {
  const el = h("section", { class: "view" });
  const body = h("tbody");
  const status = h("p", { class: "muted", role: "status" });
  const more = h("div", { class: "pager" });
  const tableSlot = h("div", null, h("p", { class: "loading", role: "status" }, "Loading…"));
  let after: string | null = null;
  let shown = 0;
  let disposed = false;

  async function load(reset: boolean): Promise<void> {
    if (reset) {
      after = null;
      shown = 0;
    }
    try {
      const d = await app.client.request(AuditLogDocument, { first: 50, after });
      if (disposed) return;
      const c = d.auditLog;
      if (reset) body.replaceChildren();
      append(
        body,
        c.nodes.map((e) =>
          h(
            "tr",
            { "data-action": e.action },
            h("td", { class: "nowrap" }, time(e.time)),
            h("td", { class: "nowrap" }, e.actor),
            h("th", { scope: "row" }, h("code", null, e.action)),
            h("td", null, args(e.arguments)),
            h("td", null, e.result === "ok" ? badge("ok", "ok") : h("span", { class: "error-text" }, e.result)),
          ),
        ),
      );
      shown += c.nodes.length;
      after = c.pageInfo.endCursor;
      status.textContent = `${shown} of ${c.totalCount} entries shown`;
      replace(more, c.pageInfo.hasNextPage ? button("Load more", () => load(false)) : null);
      if (c.totalCount === 0) {
        replace(tableSlot, h("p", { class: "empty" }, "No entries yet: every mutation made through GraphQL, the CLI or the admin API is recorded here."));
        return;
      }
      if (!tableSlot.contains(body)) {
        replace(
          tableSlot,
          h(
            "div",
            { class: "table-wrap" },
            h("table", { class: "table audit-table" }, h("thead", null, h("tr", null, ["Time", "Actor", "Action", "Arguments", "Result"].map((t) => h("th", { scope: "col" }, t)))), body),
          ),
          status,
          more,
        );
      }
    } catch (e) {
      if (!disposed) replace(tableSlot, errorBox(e, "Loading the audit log", () => void load(true)));
    }
  }

  replace(el, h("div", { class: "view-head" }, h("h1", null, "Audit log"), h("div", { class: "toolbar" }, button("Refresh", () => load(true)))), tableSlot);
  void load(true);
  return { title: "Audit log", el, dispose: () => (disposed = true) };
}
