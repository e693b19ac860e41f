// Tenants (multitenancy): the list and adding one. A tenant's page is in tenant.ts.

import type { App, View } from "../app";
import { h, replace, time } from "../dom";
import { AddTenantDocument, TenantsDocument } from "../gql/graphql";
import { button, errorBox, formDialog, notify } from "../ui";

export function secretsList(v: string): string[] {
  return v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export function tenantsView(app: App): View {
  const el = h("section", { class: "view" });
  const results = h("div", null, h("p", { class: "loading", role: "status" }, "Loading…"));
  let disposed = false;

  async function load(): Promise<void> {
    try {
      const d = await app.client.request(TenantsDocument);
      if (disposed) return;
      replace(
        results,
        d.tenants.length === 0
          ? h("p", { class: "empty" }, "No tenants. Tenants matter only with MULTITENANCY_ENABLED: each is the first label of a host name and has its own secrets.")
          : h(
              "div",
              { class: "table-wrap" },
              h(
                "table",
                { class: "table" },
                h("thead", null, h("tr", null, ["Name", "Id", "Settings", "Created"].map((t) => h("th", { scope: "col" }, t)))),
                h(
                  "tbody",
                  null,
                  d.tenants.map((t) =>
                    h(
                      "tr",
                      { "data-tenant": t.name },
                      h("th", { scope: "row" }, h("a", { href: app.href(`tenants/${encodeURIComponent(t.id)}`) }, t.name)),
                      h("td", null, h("code", { class: "small" }, t.id)),
                      h("td", { class: "num" }, String(t.settings.length)),
                      h("td", null, time(t.createdAt)),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      if (!disposed) replace(results, errorBox(e, "Loading tenants", () => void load()));
    }
  }

  const add = () =>
    formDialog({
      title: "Add a tenant",
      fields: [
        { name: "name", label: "Name", required: true, help: "The first label of the tenant's host name, e.g. school1 for school1.bbb.example.com." },
        { name: "secrets", label: "Secrets", type: "textarea", required: true, help: "One or more, separated by spaces, commas or new lines." },
      ],
      submit: "Add tenant",
      onSubmit: async (v) => {
        const d = await app.client.request(AddTenantDocument, { input: { name: String(v.name).trim(), secrets: secretsList(String(v.secrets)) } });
        notify(`Tenant ${d.addTenant.name} added.`);
      },
    }).then((c) => (c ? load() : undefined));

  replace(
    el,
    h("div", { class: "view-head" }, h("h1", null, "Tenants"), app.can.manageTenants ? h("div", { class: "toolbar" }, button("Add tenant", add, { kind: "primary" })) : null),
    results,
  );
  void load();
  return { title: "Tenants", el, dispose: () => (disposed = true) };
}
