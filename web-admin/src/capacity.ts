// Capacity as the console shows it: the rule comes from clusterStatus.capacity; live events
// carry only load and state, so a server's headroom and room are recomputed here the way
// scalelite.CapacityPolicy computes them on the server (internal/scalelite/capacity.go).

import { ref } from "lit-html/directives/ref.js";
import type { ServerState } from "./gql/graphql";

export interface CapacityRule {
  serverCapacity: number;
  meetingUsers: number;
  description: string;
}

/** What capacity needs of a server. */
export interface Measured {
  state: ServerState;
  online: boolean;
  load: number | null;
  loadMultiplier: number;
}

export interface Measure {
  utilization: number | null;
  headroom: number;
  room: number;
}

/** takesMeetings: placement may choose the server (enabled and online). */
export function takesMeetings(s: Pick<Measured, "state" | "online">): boolean {
  return s.online && s.state === "ENABLED";
}

export function measure(rule: CapacityRule, s: Measured): Measure {
  const available = s.online && s.state !== "DISABLED" && s.load !== null;
  const utilization = available && rule.serverCapacity > 0 ? (s.load as number) / rule.serverCapacity : null;
  if (!takesMeetings(s) || s.load === null) return { utilization, headroom: 0, room: 0 };
  const headroom = Math.max(rule.serverCapacity - s.load, 0);
  const cost = Math.max(rule.meetingUsers, 1) * (s.loadMultiplier > 0 ? s.loadMultiplier : 1);
  return { utilization, headroom, room: Math.floor(headroom / cost + 1e-9) };
}

/** Headroom colours: below warnAt is fine, from badAt on the server is in trouble. */
export const warnAt = 0.7;
export const badAt = 0.9;

export type Tone = "ok" | "warn" | "bad" | "over" | "none";

export function tone(utilization: number | null): Tone {
  if (utilization === null) return "none";
  if (utilization >= 1) return "over";
  if (utilization >= badAt) return "bad";
  if (utilization >= warnAt) return "warn";
  return "ok";
}

export const toneLabel: Record<Tone, string> = {
  ok: "plenty of room",
  warn: "filling up",
  bad: "nearly full",
  over: "over capacity",
  none: "load unavailable",
};

/**
 * fill sets a load bar's width through the CSSOM: the console's Content-Security-Policy refuses
 * style attributes (and lit-html's styleMap writes one on its first render).
 */
export function fill(ratio: number | null) {
  const width = `${Math.min(Math.max(ratio ?? 0, 0), 1) * 100}%`;
  return ref((el) => {
    if (el instanceof HTMLElement) el.style.width = width;
  });
}
