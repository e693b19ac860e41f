// What every view receives: the GraphQL clients, navigation and the place to render into.

import type { Permissions, Viewer } from "./access";
import type { Client } from "./gql";
import type { Live } from "./ws";

export interface App {
  client: Client;
  live: Live;
  /** viewer is the signed-in key (name, scope); can is what the console offers it. */
  viewer: Viewer;
  can: Permissions;
  /** navigate goes to a console path such as "servers/bbb1" or "meetings?server=bbb1". */
  navigate: (path: string) => void;
  /** href turns a console path into a link target under the base path. */
  href: (path: string) => string;
}

/** A mounted view; dispose stops its timers and subscriptions. */
export interface View {
  title: string;
  el: HTMLElement;
  dispose?: () => void;
}

export type Route = (app: App, params: Record<string, string>, query: URLSearchParams) => View;
