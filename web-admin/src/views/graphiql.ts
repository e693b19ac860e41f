// The GraphQL page: GraphiQL (a separate bundle, loaded on first use) against /graphql with the
// signed-in key, to explore the schema and run operations without curl.

import type { App, View } from "../app";
import { h, replace } from "../dom";
import { endpoint } from "../gql";
import { errorBox } from "../ui";
import { wsURL } from "../ws";

interface GraphiQLModule {
  mount(el: HTMLElement, o: { key: string; url: string; wsUrl: string; defaultQuery: string }): () => void;
}

const defaultQuery = `# GraphiQL runs operations with the API key you signed in with.
# Ctrl-Enter runs; the Docs button browses the schema; Ctrl-Space completes.

query Cluster {
  viewer { name scope }
  clusterStatus {
    totals { servers online meetings users load capacity room }
    servers { hostname state online load utilization room }
  }
}
`;

/** assets are the bundle's hashed file names, written into index.html by build.mjs. */
function assets(): { js: string; css: string } | null {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="graphiql-assets"]');
  const [js, css] = (meta?.content ?? "").split(" ");
  return js && css ? { js, css } : null;
}

let loaded: Promise<GraphiQLModule> | null = null;

function load(): Promise<GraphiQLModule> {
  const a = assets();
  if (!a) return Promise.reject(new Error("This build has no GraphiQL bundle"));
  if (!document.querySelector(`link[data-graphiql]`)) {
    document.head.append(h("link", { rel: "stylesheet", href: a.css, "data-graphiql": "" }));
  }
  loaded ??= import(/* @vite-ignore */ new URL(a.js, document.baseURI).href) as Promise<GraphiQLModule>;
  return loaded;
}

export function graphiqlView(app: App): View {
  const host = h("div", { class: "graphiql-host" }, h("p", { class: "loading", role: "status" }, "Loading GraphiQL…"));
  const el = h(
    "section",
    { class: "view view-graphiql" },
    h("div", { class: "view-head" }, h("h1", null, "GraphQL"), h("p", { class: "muted small" }, "Signed in as ", h("code", null, app.viewer.name), " (", app.viewer.scope, "): what this key may not do is refused with FORBIDDEN. See docs/graphql.md.")),
    host,
  );
  let unmount: (() => void) | null = null;
  let disposed = false;
  load().then(
    (m) => {
      if (disposed) return;
      host.replaceChildren();
      unmount = m.mount(host, { key: app.client.apiKey, url: endpoint, wsUrl: wsURL(), defaultQuery });
    },
    (e) => {
      loaded = null;
      if (!disposed) replace(host, errorBox(e, "Loading GraphiQL"));
    },
  );
  return {
    title: "GraphQL",
    el,
    dispose: () => {
      disposed = true;
      unmount?.();
    },
  };
}
