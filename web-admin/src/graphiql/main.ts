// GraphiQL, bundled separately (assets/graphiql-HASH.js and .css) and loaded only by the console's
// GraphQL page: it runs operations against /graphql with the signed-in key, subscriptions over
// graphql-ws. The key goes in the fetcher's headers, never in GraphiQL's (persisted) headers
// editor.

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { createClient } from "graphql-ws";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

export interface MountOptions {
  /** key is the signed-in API key. */
  key: string;
  url: string;
  wsUrl: string;
  defaultQuery: string;
}

/** mount renders GraphiQL into el and returns its unmount. */
export function mount(el: HTMLElement, o: MountOptions): () => void {
  const auth = { Authorization: `Bearer ${o.key}` };
  const wsClient = createClient({ url: o.wsUrl, connectionParams: auth, lazy: true, lazyCloseTimeout: 2000 });
  const fetcher = createGraphiQLFetcher({ url: o.url, headers: auth, wsClient });
  const root = createRoot(el);
  root.render(createElement(GraphiQL, { fetcher, defaultQuery: o.defaultQuery, shouldPersistHeaders: false, isHeadersEditorEnabled: false }));
  return () => {
    root.unmount();
    void wsClient.dispose();
  };
}
