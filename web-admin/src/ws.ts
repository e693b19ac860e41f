// A small graphql-transport-ws client: one websocket per session, shared by every subscription,
// opened on the first subscribe and closed a little after the last unsubscribe; it reconnects
// with backoff and resubscribes. See the protocol at
// github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md.

import { endpoint, type GraphQLErrorItem, type Variables } from "./gql";

export type LiveState = "idle" | "connecting" | "live" | "reconnecting" | "refused";

interface Sub {
  id: string;
  query: string;
  variables: Variables;
  next: (data: any) => void;
  error: (errors: GraphQLErrorItem[]) => void;
}

type Message =
  | { type: "connection_ack"; payload?: unknown }
  | { type: "ping"; payload?: unknown }
  | { type: "pong"; payload?: unknown }
  | { type: "next"; id: string; payload: { data?: unknown; errors?: GraphQLErrorItem[] } }
  | { type: "error"; id: string; payload: GraphQLErrorItem[] }
  | { type: "complete"; id: string };

const closeGraceMs = 2000;

export class Live {
  private ws: WebSocket | null = null;
  private acked = false;
  private subs = new Map<string, Sub>();
  private nextId = 1;
  private attempt = 0;
  private retryTimer: number | undefined;
  private idleTimer: number | undefined;
  private state: LiveState = "idle";
  private listeners = new Set<(s: LiveState, detail: string) => void>();

  constructor(
    private readonly key: string,
    private readonly url = wsURL(),
    private readonly onRefused: (reason: string) => void = () => {},
  ) {}

  /** onState registers a listener for connection state changes; returns its remover. */
  onState(fn: (s: LiveState, detail: string) => void): () => void {
    this.listeners.add(fn);
    fn(this.state, "");
    return () => this.listeners.delete(fn);
  }

  /** subscribe starts a subscription; the returned function stops it. */
  subscribe(query: string, variables: Variables, next: (data: any) => void, error: (errors: GraphQLErrorItem[]) => void): () => void {
    const sub: Sub = { id: String(this.nextId++), query, variables, next, error };
    this.subs.set(sub.id, sub);
    window.clearTimeout(this.idleTimer);
    if (!this.ws) this.connect();
    else if (this.acked) this.sendSubscribe(sub.id);
    return () => {
      if (!this.subs.delete(sub.id)) return;
      if (this.acked) this.send({ id: sub.id, type: "complete" });
      if (this.subs.size === 0) {
        this.idleTimer = window.setTimeout(() => this.close(), closeGraceMs);
      }
    };
  }

  /** close ends every subscription and the socket. */
  close(): void {
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.idleTimer);
    const ws = this.ws;
    this.ws = null;
    this.acked = false;
    if (ws) ws.close(1000, "Normal Closure");
    if (this.state !== "refused") this.setState("idle", "");
  }

  private setState(s: LiveState, detail: string): void {
    this.state = s;
    for (const fn of this.listeners) fn(s, detail);
  }

  private connect(): void {
    window.clearTimeout(this.retryTimer);
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting", "");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, "graphql-transport-ws");
    } catch (e) {
      this.scheduleRetry(`cannot open websocket: ${(e as Error).message}`);
      return;
    }
    this.ws = ws;
    this.acked = false;
    ws.onopen = () => {
      this.send({ type: "connection_init", payload: { Authorization: `Bearer ${this.key}` } });
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return; // closed on purpose
      this.ws = null;
      this.acked = false;
      if (ev.code === 4403 || ev.code === 4401) {
        this.setState("refused", ev.reason || "The API key was refused");
        this.onRefused(ev.reason || "The API key was refused");
        return;
      }
      this.scheduleRetry(ev.reason || `connection closed (${ev.code})`);
    };
  }

  private scheduleRetry(detail: string): void {
    if (this.subs.size === 0) {
      this.setState("idle", "");
      return;
    }
    this.attempt += 1;
    const delay = Math.min(30000, 500 * 2 ** Math.min(this.attempt, 6)) * (0.75 + Math.random() / 2);
    this.setState("reconnecting", detail);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  private receive(raw: unknown): void {
    let msg: Message;
    try {
      msg = JSON.parse(String(raw));
    } catch {
      return;
    }
    switch (msg.type) {
      case "connection_ack":
        this.acked = true;
        this.attempt = 0;
        this.setState("live", "");
        for (const id of this.subs.keys()) this.sendSubscribe(id);
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "next": {
        const sub = this.subs.get(msg.id);
        if (!sub) break;
        if (msg.payload.errors?.length) sub.error(msg.payload.errors);
        if (msg.payload.data) sub.next(msg.payload.data);
        break;
      }
      case "error": {
        const sub = this.subs.get(msg.id);
        if (sub) {
          this.subs.delete(msg.id);
          sub.error(msg.payload);
        }
        break;
      }
      case "complete": {
        // The server ended the subscription (e.g. it fell behind and was dropped): start it
        // again under a new id so that late messages of the old one are ignored.
        const sub = this.subs.get(msg.id);
        if (sub && this.acked) {
          this.subs.delete(msg.id);
          const id = String(this.nextId++);
          sub.id = id;
          this.subs.set(id, sub);
          window.setTimeout(() => {
            if (this.subs.has(id) && this.acked) this.sendSubscribe(id);
          }, 1000);
        }
        break;
      }
    }
  }

  private sendSubscribe(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.send({ id, type: "subscribe", payload: { query: sub.query, variables: sub.variables } });
  }

  private send(msg: object): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }
}

/** wsURL is the websocket address of the GraphQL endpoint on this page's host. */
export function wsURL(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${endpoint}`;
}
