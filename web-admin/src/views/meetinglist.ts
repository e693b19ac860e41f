// A live list of meetings (the meetings page, a server's page, a tenant's page): participants,
// server, tenant, age, the placement in words with its raw data behind a toggle, End, and for a
// meeting whose server left service, where it is now. Meeting events (created, placed,
// recovered, ended) and polls refresh it without a reload.

import { html, nothing, render } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import type { App } from "../app";
import { h, hostOf, time } from "../dom";
import { age, plural } from "../format";
import { GraphQLError } from "../gql";
import {
  EndMeetingDocument,
  MeetingEventsDocument,
  MeetingsDocument,
  ServerLoadDocument,
  ServerNamesDocument,
  type MeetingEventsSubscription,
  type MeetingFilter,
  type MeetingRowFragment,
} from "../gql/graphql";
import { Pager } from "../pager";
import { explainPlacement } from "../placement";
import { actionButton, confirmDialog, errorContent, notify, notifyError } from "../ui";

export interface MeetingListOptions {
  /** filter is read on every load. */
  filter: () => MeetingFilter;
  showServer?: boolean;
  showTenant?: boolean;
  pageSize?: number;
  empty: string;
}

/** recoverable: running, but its server is gone, offline or disabled. */
function recoverable(m: MeetingRowFragment): boolean {
  return m.running && (!m.server || !m.server.online || m.server.state === "DISABLED");
}

export class MeetingList {
  readonly el: HTMLElement = document.createElement("div");
  private readonly pager: Pager;
  private nodes: MeetingRowFragment[] = [];
  private total = 0;
  private pageInfo = { hasNextPage: false, endCursor: null as string | null };
  private names = new Map<string, string>(); // server id -> hostname (host:port when shared)
  private readonly recoveredFrom = new Map<string, string>(); // meetings seen moving, by MeetingID
  private readonly lastServer = new Map<string, string>();
  private readonly fresh = new Set<string>();
  private loaded = false;
  private error: unknown = null;
  private disposed = false;
  private reloadTimer: number | undefined;
  private lastPollReload = 0;
  private readonly ticker: number;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly app: App,
    private readonly opts: MeetingListOptions,
  ) {
    this.pager = new Pager(opts.pageSize ?? 50);
    this.el.className = "meeting-list";
    this.ticker = window.setInterval(() => this.draw(), 30000); // ages
    this.stops.push(
      app.live.subscribe(MeetingEventsDocument, {}, (d) => this.onMeetingEvent(d.meetingEvents), (errs) => notifyError("Live meetings", new GraphQLError(errs))),
      // Participants change with every poll: refresh at most every five seconds.
      app.live.subscribe(ServerLoadDocument, {}, (d) => {
        if (d.serverLoad.type !== "POLLED" || Date.now() - this.lastPollReload < 5000) return;
        this.lastPollReload = Date.now();
        this.schedule(300);
      }, () => {}),
    );
    this.draw();
    void this.reload();
  }

  private onMeetingEvent(ev: MeetingEventsSubscription["meetingEvents"]): void {
    if (ev.type === "RECOVERED" && ev.detail?.startsWith("from ")) this.recoveredFrom.set(ev.meetingID, ev.detail.slice(5));
    if (ev.type !== "ENDED") this.fresh.add(ev.meetingID);
    this.schedule(250);
  }

  private schedule(ms: number): void {
    window.clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => void this.reload(), ms);
  }

  /** reload fetches the current page again (the first page when reset). */
  async reload(reset = false): Promise<void> {
    window.clearTimeout(this.reloadTimer);
    if (reset) this.pager.reset();
    this.el.setAttribute("aria-busy", "true");
    try {
      const [d, s] = await Promise.all([
        this.app.client.request(MeetingsDocument, { filter: this.opts.filter(), first: this.pager.size, after: this.pager.after }),
        this.names.size === 0 || reset ? this.app.client.request(ServerNamesDocument) : Promise.resolve(null),
      ]);
      if (this.disposed) return;
      if (s) {
        const count = new Map<string, number>();
        const host = (u: string) => hostOf(u).replace(/:\d+$/, "");
        for (const x of s.servers) count.set(host(x.url), (count.get(host(x.url)) ?? 0) + 1);
        this.names = new Map(s.servers.map((x) => [x.id, (count.get(host(x.url)) ?? 0) > 1 ? hostOf(x.url) : host(x.url)]));
      }
      this.nodes = d.meetings.nodes;
      // A running meeting now on another server than at the last load was recovered there (the
      // recovered event says so too, when it comes).
      for (const m of this.nodes) {
        const before = this.lastServer.get(m.meetingID);
        if (m.running && before && before !== m.serverId) this.recoveredFrom.set(m.meetingID, before);
        this.lastServer.set(m.meetingID, m.serverId);
      }
      this.total = d.meetings.totalCount;
      this.pageInfo = d.meetings.pageInfo;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      if (this.disposed) return;
      this.error = e;
    } finally {
      this.el.removeAttribute("aria-busy");
    }
    this.draw();
    window.setTimeout(() => {
      this.fresh.clear();
    }, 2000);
  }

  private name(id: string): string {
    return this.names.get(id) ?? id;
  }

  private async end(m: MeetingRowFragment): Promise<void> {
    const ok = await confirmDialog({
      title: `End meeting ${m.meetingID}?`,
      body: h("p", null, `“${m.name}” on ${this.name(m.serverId)} ends for everyone in it, in our records and on its server.`),
      confirm: "End meeting",
      danger: true,
    });
    if (!ok) return;
    try {
      await this.app.client.request(EndMeetingDocument, { id: m.meetingID });
      notify(`Meeting ${m.meetingID} ended.`);
    } catch (e) {
      // The meeting may be ended in our records with the BBB call failing: say both.
      if (e instanceof GraphQLError && (e.data as { endMeeting?: unknown } | null)?.endMeeting) {
        notifyError(`Meeting ${m.meetingID} ended in our records, but its server's end call`, e);
      } else {
        notifyError(`End meeting ${m.meetingID}`, e);
      }
    }
    await this.reload();
  }

  private where(m: MeetingRowFragment) {
    const serverLink = html`<a href=${this.app.href(`servers/${encodeURIComponent(m.serverId)}`)} title=${`Server id ${m.serverId}`}>${this.name(m.serverId)}</a>`;
    const from = this.recoveredFrom.get(m.meetingID);
    if (recoverable(m)) {
      const why = !m.server ? "was removed" : !m.server.online ? "is offline" : "is disabled";
      return html`${serverLink}
        <div class="small recoverable-note" data-recoverable>
          <span class="badge badge-warn">recoverable</span> ${this.name(m.serverId)} ${why}: the next create or join re-creates it on a healthy server.
        </div>`;
    }
    return html`${serverLink}${from && m.running ? html`<div class="small muted" data-recovered-from=${from}>recovered from ${this.name(from)}</div>` : nothing}`;
  }

  private status(m: MeetingRowFragment) {
    return html`${!m.running ? html`<span class="badge badge-muted">ended</span>` : recoverable(m) ? html`<span class="badge badge-warn">recoverable</span>` : html`<span class="badge badge-ok">running</span>`}
      ${m.missedPolls > 0 ? html`<div class="small muted">missed ${plural(m.missedPolls, "poll")}</div>` : nothing}
      ${m.endedAt ? html`<div class="small muted">${time(m.endedAt)}</div>` : nothing}`;
  }

  private placement(m: MeetingRowFragment) {
    if (!m.placement) return html`<span class="muted">—</span>`;
    let raw = m.placement;
    try {
      raw = JSON.stringify(JSON.parse(m.placement), null, 2);
    } catch {
      // not JSON: shown as it is
    }
    return html`<p class="placement-words">${explainPlacement(m.placement, (id) => this.name(id))}</p>
      <details class="placement"><summary>Raw data</summary><pre>${raw}</pre></details>`;
  }

  draw(): void {
    if (this.disposed) return;
    const o = this.opts;
    const endable = this.app.can.endMeetings;
    const heads = ["Meeting", ...(o.showServer !== false ? ["Server"] : []), ...(o.showTenant !== false ? ["Tenant"] : []), "Participants", "Age", "Status", "Placement", ...(endable ? ["Actions"] : [])];
    let body;
    if (this.error) {
      body = html`<div class="alert" role="alert">${errorContent(this.error, "Loading meetings")}${actionButton("Retry", () => this.reload())}</div>`;
    } else if (!this.loaded) {
      body = html`<p class="loading" role="status">Loading…</p>`;
    } else if (this.nodes.length === 0) {
      body = html`<p class="empty">${o.empty}</p>`;
    } else {
      const now = Date.now();
      body = html`<div class="table-wrap">
          <table class="table meetings-table">
            <thead><tr>${heads.map((t) => html`<th scope="col" class=${t === "Participants" ? "num" : ""}>${t}</th>`)}</tr></thead>
            <tbody>
              ${repeat(
                this.nodes,
                (m) => m.meetingID + (m.running ? "" : `@${m.endedAt}`),
                (m) => html`<tr data-meeting-id=${m.meetingID} class=${this.fresh.has(m.meetingID) ? "flash" : ""}>
                  <th scope="row" data-label="Meeting"><span class="meeting-name">${m.name || m.meetingID}</span><div class="muted small"><code>${m.meetingID}</code> · voice ${m.voiceBridge}</div></th>
                  ${o.showServer !== false ? html`<td data-col="server" data-label="Server">${this.where(m)}</td>` : nothing}
                  ${o.showTenant !== false ? html`<td data-col="tenant" data-label="Tenant">${m.tenant ? html`<a href=${this.app.href(`tenants/${encodeURIComponent(m.tenant.id)}`)}>${m.tenant.name}</a>` : html`<span class="muted">—</span>`}</td>` : nothing}
                  <td data-col="participants" data-label="Participants" class="num" title="Users its server listed at the last poll">${m.participants.toLocaleString()}</td>
                  <td data-col="age" data-label="Age" title=${new Date(m.createdAt).toLocaleString()}>${age(m.createdAt, now)}</td>
                  <td data-col="status" data-label="Status">${this.status(m)}</td>
                  <td data-col="placement" data-label="Placement">${this.placement(m)}</td>
                  ${endable ? html`<td class="col-actions">${m.running ? actionButton("End", () => this.end(m), { kind: "danger", small: true, label: `End meeting ${m.meetingID}` }) : nothing}</td>` : nothing}
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${this.pager.controls(this.pageInfo, this.total, this.nodes.length, () => void this.reload(), "meetings")}`;
    }
    render(body, this.el);
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.reloadTimer);
    window.clearInterval(this.ticker);
    for (const stop of this.stops) stop();
  }
}
