// A server as the overview and the server page keep it: filled from clusterStatus or server,
// then kept current by serverLoad events.

import { html, type TemplateResult } from "lit-html";
import type { ServerLoadSubscription, ServerState } from "../gql/graphql";
import { hostOf } from "../dom";

export interface Row {
  id: string;
  url: string;
  hostname: string;
  state: ServerState;
  online: boolean;
  load: number | null;
  loadMultiplier: number;
  meetings: number;
  users: number;
  videos: number;
  largestMeeting: number;
  bbbVersion: string | null;
  tag: string | null;
  updated: string | null;
  lastPollError: string | null;
}

export type ServerLoadEvent = ServerLoadSubscription["serverLoad"];

/** applyEvent copies a serverLoad event into a row and returns the names of changed columns. */
export function applyEvent(row: Row, ev: ServerLoadEvent): string[] {
  const changed: string[] = [];
  const set = <K extends keyof Row>(k: K, v: Row[K]) => {
    if (row[k] !== v) {
      row[k] = v;
      changed.push(k);
    }
  };
  set("state", ev.state);
  set("online", ev.online);
  set("load", ev.load);
  set("meetings", ev.meetings);
  set("users", ev.users);
  set("videos", ev.videos);
  set("url", ev.url);
  set("hostname", hostOf(ev.url).replace(/:\d+$/, ""));
  row.updated = ev.time;
  if (ev.type === "POLLED") row.lastPollError = null;
  return changed;
}

const stateTones: Record<ServerState, string> = { ENABLED: "ok", CORDONED: "warn", DISABLED: "muted" };

export function stateBadge(state: ServerState): TemplateResult {
  return html`<span class="badge badge-${stateTones[state]}">${state.toLowerCase()}</span>`;
}

export function onlineBadge(online: boolean): TemplateResult {
  return online ? html`<span class="badge badge-ok">online</span>` : html`<span class="badge badge-bad"><span aria-hidden="true">✕ </span>offline</span>`;
}
