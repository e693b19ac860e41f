// Load, users, meetings or videos over the last hour, day or week, for the cluster or one server:
// history from the loadHistory query, kept current by the samples the page pushes from its
// serverLoad subscription, and fetched again every minute.

import { html, nothing, render } from "lit-html";
import type { App } from "../app";
import { TimeChart, type Series } from "../chart";
import { LoadHistoryDocument, type HistoryRange, type LoadHistoryQuery } from "../gql/graphql";
import { errorContent } from "../ui";

export type Metric = "load" | "users" | "meetings" | "videos";

export interface Sample {
  load: number | null;
  users: number;
  meetings: number;
  videos: number;
}

const metrics: [Metric, string][] = [
  ["load", "Load"],
  ["users", "Users"],
  ["meetings", "Meetings"],
  ["videos", "Videos"],
];

const ranges: [HistoryRange, string, number][] = [
  ["HOUR", "1 hour", 3600],
  ["DAY", "24 hours", 86400],
  ["WEEK", "7 days", 7 * 86400],
];

type APISeries = LoadHistoryQuery["loadHistory"]["cluster"];

/** Columns is one series in uPlot's layout: times in Unix seconds. */
interface Columns {
  times: number[];
  load: (number | null)[];
  users: number[];
  meetings: number[];
  videos: number[];
}

function columns(s: APISeries): Columns {
  return { times: s.times.map((t) => Date.parse(t) / 1000), load: [...s.load], users: [...s.users], meetings: [...s.meetings], videos: [...s.videos] };
}

export interface HistoryOptions {
  title: string;
  /** serverId picks one server's history; absent: the cluster's. */
  serverId?: string;
  /** capacity is drawn as a reference line on the load chart (null: none). */
  capacity: () => number | null;
}

export class HistoryPanel {
  readonly el: HTMLElement = document.createElement("section");
  private range: HistoryRange = "HOUR";
  private metric: Metric = "load";
  private data: Columns | null = null;
  private step = 5;
  private since: string | null = null;
  private error: unknown = null;
  private readonly chart: TimeChart;
  private readonly timer: number;
  private loading = 0;

  constructor(
    private readonly app: App,
    private readonly opts: HistoryOptions,
  ) {
    this.el.className = "history";
    this.el.setAttribute("aria-label", opts.title);
    this.chart = new TimeChart(opts.title);
    this.draw();
    void this.load();
    this.timer = window.setInterval(() => void this.load(), 60000);
  }

  /** push adds a live sample taken at iso (its bucket replaces the one at the same time). */
  push(iso: string, s: Sample): void {
    const d = this.data;
    if (!d) return;
    const t = Math.floor(Date.parse(iso) / 1000 / this.step) * this.step;
    const last = d.times.length - 1;
    if (last >= 0 && t < d.times[last]) return;
    if (last < 0 || t > d.times[last]) {
      d.times.push(t);
      d.load.push(s.load);
      d.users.push(s.users);
      d.meetings.push(s.meetings);
      d.videos.push(s.videos);
    } else {
      d.load[last] = s.load;
      d.users[last] = s.users;
      d.meetings[last] = s.meetings;
      d.videos[last] = s.videos;
    }
    const span = ranges.find(([r]) => r === this.range)![2];
    while (d.times.length && d.times[0] < t - span) {
      d.times.shift();
      d.load.shift();
      d.users.shift();
      d.meetings.shift();
      d.videos.shift();
    }
    this.since ??= iso;
    this.draw();
  }

  async load(): Promise<void> {
    const attempt = ++this.loading;
    try {
      const d = await this.app.client.request(LoadHistoryDocument, { range: this.range, serverIds: this.opts.serverId ? [this.opts.serverId] : null });
      if (attempt !== this.loading) return;
      const h = d.loadHistory;
      this.step = h.step;
      this.since = h.since;
      this.data = columns(this.opts.serverId ? h.servers[0] : h.cluster);
      this.error = null;
    } catch (e) {
      if (attempt !== this.loading) return;
      this.error = e;
    }
    this.draw();
  }

  private series(): Series[] {
    const d = this.data!;
    const label = metrics.find(([m]) => m === this.metric)![1];
    const out: Series[] = [{ label, values: d[this.metric], color: "--accent", fill: true }];
    const cap = this.metric === "load" ? this.opts.capacity() : null;
    if (cap !== null && cap > 0) out.push({ label: "Capacity now", values: d.times.map(() => cap), color: "--bad", dash: [6, 4] });
    return out;
  }

  /** redraw draws again, e.g. once the capacity is known. */
  redraw(): void {
    this.draw();
  }

  private draw(): void {
    if (this.data) this.chart.set({ times: this.data.times, series: this.series(), step: this.step });
    const id = `${this.opts.serverId ?? "cluster"}-history`;
    render(
      html`<div class="history-head">
          <h2 class="section-title" id=${id}>${this.opts.title}</h2>
          <div class="seg" role="group" aria-label="Metric">
            ${metrics.map(
              ([m, label]) => html`<button type="button" class="seg-btn" aria-pressed=${m === this.metric ? "true" : "false"} @click=${() => this.pick(m)}>${label}</button>`,
            )}
          </div>
          <div class="seg" role="group" aria-label="Range">
            ${ranges.map(
              ([r, label]) => html`<button type="button" class="seg-btn" aria-pressed=${r === this.range ? "true" : "false"} @click=${() => this.pickRange(r)}>${label}</button>`,
            )}
          </div>
        </div>
        ${this.error ? html`<div class="alert" role="alert">${errorContent(this.error, "Loading the history")}</div>` : nothing}
        ${this.chart.el}
        <p class="muted small history-note">
          ${this.data && this.data.times.length === 0 ? "No samples yet: they arrive with every poll. " : nothing}${this.since
            ? `Kept in memory by the answering instance since ${new Date(this.since).toLocaleString()}; a restarted instance starts again.`
            : "Kept in memory by each instance from the poll events it receives."}
        </p>`,
      this.el,
    );
  }

  private pick(m: Metric): void {
    this.metric = m;
    this.draw();
  }

  private pickRange(r: HistoryRange): void {
    if (r === this.range) return;
    this.range = r;
    void this.load();
  }

  dispose(): void {
    window.clearInterval(this.timer);
    this.loading++;
    this.chart.destroy();
  }
}
