// Live updates over one websocket per session, with graphql-ws (the graphql-transport-ws
// protocol): the socket opens on the first subscription and closes two seconds after the last,
// reconnects with backoff and resubscribes. This wrapper adds the state the top bar shows, signs
// out when the server refuses the key (close code 4403 or 4401), and starts again a subscription
// the server ended (a subscriber that fell behind is dropped).

import { createClient, type Client as WSClient } from "graphql-ws";
import { endpoint, type Doc, type GraphQLErrorItem } from "./gql";

export type LiveState = "idle" | "connecting" | "live" | "reconnecting" | "refused";

/** refusedCodes close the socket when the API key is refused: no retry. */
const refusedCodes = new Set([4401, 4403]);

function closeEvent(e: unknown): { code: number; reason: string } | null {
  return typeof e === "object" && e !== null && "code" in e && "reason" in e ? (e as { code: number; reason: string }) : null;
}

function errorItems(e: unknown): GraphQLErrorItem[] {
  if (Array.isArray(e)) return e as GraphQLErrorItem[];
  const c = closeEvent(e);
  if (c) return [{ message: c.reason || `Connection closed (${c.code})`, extensions: { code: "NETWORK" } }];
  return [{ message: e instanceof Error ? e.message : String(e), extensions: { code: "NETWORK" } }];
}

export class Live {
  private readonly client: WSClient;
  private state: LiveState = "idle";
  private active = 0;
  private readonly listeners = new Set<(s: LiveState, detail: string) => void>();

  constructor(key: string, url = wsURL(), onRefused: (reason: string) => void = () => {}) {
    this.client = createClient({
      url,
      connectionParams: { Authorization: `Bearer ${key}` },
      lazy: true,
      lazyCloseTimeout: 2000,
      retryAttempts: Infinity,
      retryWait: (retries) => new Promise((resolve) => window.setTimeout(resolve, Math.min(30000, 500 * 2 ** Math.min(retries, 6)) * (0.75 + Math.random() / 2))),
      shouldRetry: (e) => !refusedCodes.has(closeEvent(e)?.code ?? 0),
      on: {
        connecting: (isRetry) => this.setState(isRetry ? "reconnecting" : "connecting", ""),
        connected: () => this.setState("live", ""),
        closed: (e) => {
          const c = closeEvent(e);
          if (c && refusedCodes.has(c.code)) {
            const reason = c.reason || "The API key was refused";
            this.setState("refused", reason);
            onRefused(reason);
          } else if (this.state !== "refused") {
            this.setState(this.active > 0 ? "reconnecting" : "idle", c?.reason ?? "");
          }
        },
      },
    });
  }

  /** onState registers a listener for connection state changes; returns its remover. */
  onState(fn: (s: LiveState, detail: string) => void): () => void {
    this.listeners.add(fn);
    fn(this.state, "");
    return () => this.listeners.delete(fn);
  }

  /** subscribe starts a subscription; the returned function stops it. */
  subscribe<T, V>(doc: Doc<T, V>, variables: V, next: (data: T) => void, error: (errors: GraphQLErrorItem[]) => void): () => void {
    let stopped = false;
    let stop: () => void = () => {};
    let restart: number | undefined;
    const start = () => {
      stop = this.client.subscribe<T>(
        { query: String(doc), variables: variables as Record<string, unknown> },
        {
          next: (r) => {
            if (r.errors?.length) error(r.errors as GraphQLErrorItem[]);
            if (r.data) next(r.data);
          },
          error: (e) => {
            if (!refusedCodes.has(closeEvent(e)?.code ?? 0)) error(errorItems(e));
          },
          // The server ended the subscription: start it again (not when we stopped it).
          complete: () => {
            if (!stopped) restart = window.setTimeout(() => !stopped && start(), 1000);
          },
        },
      );
    };
    this.active++;
    start();
    return () => {
      if (stopped) return;
      stopped = true;
      this.active--;
      window.clearTimeout(restart);
      stop();
    };
  }

  /** close ends every subscription and the socket. */
  close(): void {
    void this.client.dispose();
    if (this.state !== "refused") this.setState("idle", "");
  }

  private setState(s: LiveState, detail: string): void {
    this.state = s;
    for (const fn of this.listeners) fn(s, detail);
  }
}

/** wsURL is the websocket address of the GraphQL endpoint on this page's host. */
export function wsURL(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${endpoint}`;
}
