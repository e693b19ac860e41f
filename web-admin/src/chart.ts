// Time-series charts with uPlot (bundled; no network requests): one chart of one or more series
// sharing a time axis, sized to its container, coloured from the page's CSS variables (so dark
// mode works), with a text summary for screen readers.

import uPlot from "uplot";

export interface Series {
  label: string;
  values: (number | null)[];
  /** A CSS variable such as "--accent", or a colour. */
  color: string;
  dash?: number[];
  /** fill draws a translucent area under the line. */
  fill?: boolean;
}

export interface ChartData {
  /** Unix seconds, ascending. */
  times: number[];
  series: Series[];
  /** step is the bucket width in seconds: gaps longer than a few typical spacings are not joined. */
  step: number;
}

function cssColor(c: string): string {
  if (!c.startsWith("--")) return c;
  return getComputedStyle(document.documentElement).getPropertyValue(c).trim() || "#888";
}

/** translucent turns #rrggbb into an rgba() fill; other colours are kept. */
function translucent(color: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, 0.15)`;
}

/**
 * withGaps inserts a null point wherever consecutive samples are much further apart than usual
 * (the poller stopped, or the instance did not hear from it), so the line breaks there instead
 * of joining across the outage.
 */
export function withGaps(d: ChartData): ChartData {
  const t = d.times;
  if (t.length < 3) return d;
  const deltas = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  const limit = Math.max(3 * deltas[Math.floor(deltas.length / 2)], 2 * d.step);
  const times: number[] = [t[0]];
  const series = d.series.map((s) => ({ ...s, values: [s.values[0]] }));
  for (let i = 1; i < t.length; i++) {
    if (t[i] - t[i - 1] > limit) {
      times.push(t[i - 1] + d.step);
      for (const s of series) s.values.push(null);
    }
    times.push(t[i]);
    series.forEach((s, j) => s.values.push(d.series[j].values[i]));
  }
  return { ...d, times, series };
}

export class TimeChart {
  readonly el: HTMLElement;
  private plot: uPlot | null = null;
  private data: ChartData = { times: [], series: [], step: 60 };
  private shape = "";
  private readonly resize: ResizeObserver;
  private readonly canvas: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly scheme = matchMedia("(prefers-color-scheme: dark)");
  private readonly recolor = () => {
    this.shape = ""; // colours come from CSS variables: rebuild
    this.set(this.data);
  };

  constructor(private readonly title: string, private readonly height = 220) {
    this.canvas = document.createElement("div");
    this.canvas.className = "chart-canvas";
    this.canvas.setAttribute("aria-hidden", "true");
    this.summary = document.createElement("p");
    this.summary.className = "sr-only";
    this.el = document.createElement("figure");
    this.el.className = "chart";
    this.el.append(this.canvas, this.summary);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.el);
    this.scheme.addEventListener("change", this.recolor);
  }

  /** set replaces the data; the chart is rebuilt only when the series change. */
  set(d: ChartData): void {
    this.data = d;
    const shape = d.series.map((s) => `${s.label}|${s.color}|${s.dash ?? ""}`).join(";");
    const width = this.el.clientWidth;
    this.el.dataset.points = String(d.times.length);
    this.summary.textContent = this.describe();
    if (width === 0) return; // not laid out yet: fit() draws once it is
    const g = withGaps(d);
    const aligned: uPlot.AlignedData = [g.times, ...g.series.map((s) => s.values)];
    if (this.plot && shape === this.shape) {
      this.plot.setData(aligned);
      return;
    }
    this.shape = shape;
    this.plot?.destroy();
    const axis = { stroke: cssColor("--muted"), grid: { stroke: cssColor("--border"), width: 1 }, ticks: { stroke: cssColor("--border"), width: 1 } };
    this.plot = new uPlot(
      {
        width,
        height: this.height,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [axis, { ...axis, size: 50 }],
        series: [
          {},
          ...d.series.map((s) => {
            const color = cssColor(s.color);
            return { label: s.label, stroke: color, width: 2, dash: s.dash, fill: s.fill ? translucent(color) : undefined, spanGaps: false, points: { show: false } };
          }),
        ],
      },
      aligned,
      this.canvas,
    );
  }

  /** describe sums up the first series in words, for screen readers and tests. */
  describe(): string {
    const s = this.data.series[0];
    const vals = (s?.values ?? []).filter((v): v is number => v !== null);
    if (!s || vals.length === 0) return `${this.title}: no data yet.`;
    const f = (v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 1 });
    return `${this.title}, ${s.label}: now ${f(vals[vals.length - 1])}, lowest ${f(Math.min(...vals))}, highest ${f(Math.max(...vals))}, ${vals.length} points.`;
  }

  private fit(): void {
    const width = this.el.clientWidth;
    if (width === 0) return;
    if (!this.plot) this.set(this.data);
    else if (Math.abs(this.plot.width - width) > 1) this.plot.setSize({ width, height: this.height });
  }

  destroy(): void {
    this.resize.disconnect();
    this.scheme.removeEventListener("change", this.recolor);
    this.plot?.destroy();
    this.plot = null;
  }
}
