// The placement explanation stored with each meeting (scalelite.PlacementExplanation: the rule,
// the tags asked for, the candidates with their loads and the chosen server) in words.

export interface Candidate {
  id: string;
  tag?: string;
  load: number;
}

interface Explanation {
  tags?: string[];
  required?: boolean;
  rule?: string;
  candidates?: Candidate[];
  chosen?: string;
  reason?: string;
}

function loads(c: Candidate[]): string {
  return c.map((x) => x.load.toLocaleString(undefined, { maximumFractionDigits: 1 })).join(", ");
}

function tagList(tags: string[]): string {
  return tags.map((t) => `\`${t}\``).join(" or ");
}

/**
 * explainPlacement renders raw in words, naming servers by hostname (name(id)); e.g. "Placed on
 * bbb2: least loaded of 3 candidates tagged `eu` (loads 12, 30, 45)". Text that is not an
 * explanation comes back as it is.
 */
export function explainPlacement(raw: string, name: (id: string) => string): string {
  let e: Explanation;
  try {
    e = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (typeof e !== "object" || e === null || !e.chosen) return raw;
  const on = `Placed on ${name(e.chosen)}`;
  const c = Array.isArray(e.candidates) ? e.candidates : [];
  if (!e.rule) return e.reason ? `${on}: ${e.reason}` : `${on}.`;
  const req = e.required ? " (required)" : "";
  const tags = e.tags ?? [];
  let pool: string;
  switch (e.rule) {
    case "tag":
      pool = c.length === 1 ? `the only available server tagged ${tagList(tags)}${req}` : `least loaded of ${c.length} candidates tagged ${tagList(tags)}${req}`;
      break;
    case "untagged-fallback":
      pool = `no server tagged ${tagList(tags)} was available, so the ${c.length === 1 ? "only untagged server" : `least loaded of ${c.length} untagged servers`}`;
      break;
    default:
      pool = c.length === 1 ? "the only available untagged server" : `least loaded of ${c.length} untagged servers`;
  }
  return c.length ? `${on}: ${pool} (${c.length === 1 ? "load" : "loads"} ${loads(c)}).` : `${on}: ${pool}.`;
}
