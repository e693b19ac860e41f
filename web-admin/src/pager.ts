// Cursor pagination for connection fields: remembers the cursors of earlier pages so that
// "Previous" works, and renders the page controls.

import { h } from "./dom";

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export class Pager {
  private cursors: (string | null)[] = [null];
  size: number;

  constructor(size = 50) {
    this.size = size;
  }

  /** after is the cursor of the current page. */
  get after(): string | null {
    return this.cursors[this.cursors.length - 1];
  }

  get page(): number {
    return this.cursors.length;
  }

  reset(): void {
    this.cursors = [null];
  }

  next(info: PageInfo): void {
    if (info.hasNextPage && info.endCursor) this.cursors.push(info.endCursor);
  }

  previous(): void {
    if (this.cursors.length > 1) this.cursors.pop();
  }

  /** controls renders "Page N of M · total" with Previous/Next and a page-size select. */
  controls(info: PageInfo, total: number, shown: number, load: () => void, noun: string): HTMLElement {
    const pages = Math.max(1, Math.ceil(total / this.size));
    const prev = h("button", { class: "btn btn-small", type: "button", disabled: this.page <= 1, "aria-label": `Previous page of ${noun}` }, "← Previous");
    const next = h("button", { class: "btn btn-small", type: "button", disabled: !info.hasNextPage, "aria-label": `Next page of ${noun}` }, "Next →");
    prev.addEventListener("click", () => {
      this.previous();
      load();
    });
    next.addEventListener("click", () => {
      this.next(info);
      load();
    });
    const select = h(
      "select",
      { "aria-label": "Page size" },
      [25, 50, 100, 200].map((n) => h("option", { value: String(n), selected: n === this.size }, `${n} per page`)),
    );
    select.addEventListener("change", () => {
      this.size = Number(select.value);
      this.reset();
      load();
    });
    return h(
      "div",
      { class: "pager" },
      h("span", { class: "muted", role: "status" }, `Page ${this.page} of ${pages} · ${shown} shown of ${total} ${noun}`),
      h("div", { class: "pager-buttons" }, prev, next, select),
    );
  }
}
