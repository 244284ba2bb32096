import { drawChart, shortNumber } from './chart.js';
import { RATE_POINTS } from './realm-model.js';
import type { RealmModel, RouteRow, SessionRow } from './realm-model.js';

/** Rows per page of each list: what a screen shows, however many there are. */
const PAGE_SIZE = 20;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** How long ago an ISO time was: 12s, 4m 03s, 2h 10m. */
function since(iso: string | undefined, now: number): string {
  if (iso === undefined) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A paged, filterable table. */
class PagedTable<T> {
  readonly element: HTMLElement;
  readonly #body = el('tbody');
  readonly #count = el('span', { class: 'count' });
  readonly #pageLabel = el('span');
  readonly #prev = el('button', { type: 'button' }, '‹ prev');
  readonly #next = el('button', { type: 'button' }, 'next ›');
  readonly #filter: HTMLInputElement;
  #page = 0;

  constructor(
    id: string,
    title: string,
    headers: readonly string[],
    readonly rows: () => T[],
    readonly render: (row: T) => HTMLTableRowElement,
    readonly matches: (row: T, text: string) => boolean,
    readonly shown: (rows: T[]) => void = () => undefined,
    onChange: () => void,
    widths: readonly string[] = [],
    extra?: HTMLElement,
  ) {
    this.#filter = el('input', { type: 'search', placeholder: 'filter…', 'aria-label': `filter ${title}` });
    this.#filter.addEventListener('input', () => {
      this.#page = 0;
      onChange();
    });
    this.#prev.addEventListener('click', () => {
      this.#page = Math.max(0, this.#page - 1);
      onChange();
    });
    this.#next.addEventListener('click', () => {
      this.#page++;
      onChange();
    });
    const head = el('tr', {}, ...headers.map((h, i) => el('th', widths[i] === undefined ? {} : { style: `width:${widths[i]}` }, h)));
    this.element = el(
      'section',
      { id, class: id === 'sessions' ? 'wide' : '' },
      el('h2', {}, title, ...(extra === undefined ? [] : [extra]), this.#count),
      this.#filter,
      el('table', {}, el('thead', {}, head), this.#body),
      el('div', { class: 'pager' }, this.#prev, this.#pageLabel, this.#next),
    );
  }

  update(): void {
    const text = this.#filter.value.trim().toLowerCase();
    const all = this.rows();
    const rows = text === '' ? all : all.filter((r) => this.matches(r, text));
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    this.#page = Math.min(this.#page, pages - 1);
    const visible = rows.slice(this.#page * PAGE_SIZE, (this.#page + 1) * PAGE_SIZE);
    this.shown(visible);
    this.#body.replaceChildren(...visible.map((r) => this.render(r)));
    this.#count.textContent = text === '' ? `${all.length}` : `${rows.length} of ${all.length}`;
    this.#pageLabel.textContent = `page ${this.#page + 1} of ${pages}`;
    this.#prev.disabled = this.#page === 0;
    this.#next.disabled = this.#page >= pages - 1;
  }
}

/** The dashboard's panels, drawn from a {@link RealmModel}. */
export class DashboardView {
  readonly element: HTMLElement;
  readonly #model: RealmModel;
  readonly #tiles = el('div', { class: 'tiles' });
  readonly #chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  readonly #sessions: PagedTable<number>;
  readonly #registrations: PagedTable<RouteRow>;
  readonly #subscriptions: PagedTable<RouteRow>;

  constructor(model: RealmModel, redraw: () => void) {
    this.#model = model;
    this.#chart.id = 'rates-chart';
    const now = (): number => Date.now();
    const sessionText = (id: number): string => {
      const s = model.sessions.get(id);
      return s === undefined ? String(id) : `${id} ${s.authid} ${s.authrole} ${s.transport}`.toLowerCase();
    };
    this.#sessions = new PagedTable<number>(
      'sessions',
      'Sessions',
      ['session', 'authid', 'authrole', 'transport', 'since'],
      // Newest first: a client that just joined is on the first page.
      () => [...model.sessions.keys()].reverse(),
      (id) => {
        const s: SessionRow | undefined = model.sessions.get(id);
        return el('tr', { 'data-session': String(id) }, el('td', { class: 'id', title: String(id) }, String(id)), el('td', {}, s?.authid ?? '…'), el('td', {}, s?.authrole ?? ''), el('td', {}, s?.transport ?? ''), el('td', { title: s?.joined ?? '' }, since(s?.joined, now())));
      },
      (id, text) => sessionText(id).includes(text),
      (ids) => model.need(ids),
      redraw,
      ['19%', '21%', '16%', '30%', '14%'],
    );
    const member = (id: number): string => {
      const s = model.sessions.get(id);
      return s === undefined ? `#${id}` : `${s.authid || '?'} #${id}`;
    };
    // The router's own topics (meta events, the rates) are hidden unless asked for: the
    // page itself subscribes to a dozen of them.
    const metaToggle = (id: string): { label: HTMLElement; shows: () => boolean } => {
      const box = el('input', { type: 'checkbox', id: `${id}-meta` });
      box.addEventListener('change', redraw);
      return { label: el('label', { class: 'meta' }, box, ' wamp.* topics'), shows: () => box.checked };
    };
    const isMeta = (r: RouteRow): boolean => r.uri.startsWith('wamp.') || r.uri.startsWith('rxwamp.dashboard.');
    const routeTable = (id: string, title: string, who: string, rows: () => RouteRow[], extra?: HTMLElement): PagedTable<RouteRow> =>
      new PagedTable<RouteRow>(
        id,
        title,
        ['uri', 'match', who],
        rows,
        (r) => {
          const ids = [...r.members];
          model.need(ids.slice(0, 5));
          const names = ids.slice(0, 5).map(member).join(', ') + (ids.length > 5 ? ` +${ids.length - 5}` : '');
          return el('tr', { 'data-id': String(r.id), 'data-uri': r.uri }, el('td', { title: r.uri }, r.uri), el('td', {}, r.invoke === '' ? r.match : `${r.match}, ${r.invoke}`), el('td', { class: 'members', title: names }, names));
        },
        (r, text) => r.uri.toLowerCase().includes(text),
        undefined,
        redraw,
        ['44%', '22%', '34%'],
        extra,
      );
    this.#registrations = routeTable('registrations', 'Registrations', 'callees', () => [...model.registrations.values()].sort((a, b) => a.uri.localeCompare(b.uri)));
    const meta = metaToggle('subscriptions');
    this.#subscriptions = routeTable(
      'subscriptions',
      'Subscriptions',
      'subscribers',
      () => [...model.subscriptions.values()].filter((r) => meta.shows() || !isMeta(r)).sort((a, b) => a.uri.localeCompare(b.uri)),
      meta.label,
    );
    const legend = el(
      'div',
      { class: 'legend' },
      ...[
        ['messages in', '#38bdf8'],
        ['messages out', '#f472b6'],
        ['calls', '#a3e635'],
      ].map(([name, color]) => el('span', {}, el('i', { style: `background:${color}` }), name!)),
    );
    this.element = el(
      'main',
      {},
      el('section', { id: 'rates', class: 'wide chart' }, el('h2', {}, 'Rates'), this.#tiles, this.#chart, legend),
      this.#sessions.element,
      this.#registrations.element,
      this.#subscriptions.element,
    );
  }

  update(): void {
    const model = this.#model;
    const last = model.rates.at(-1);
    const tile = (name: string, value: string): HTMLElement => el('div', { class: 'tile' }, el('b', {}, value), el('span', {}, name));
    this.#tiles.replaceChildren(
      tile('sessions', String(model.sessions.size)),
      tile('registrations', String(model.registrations.size)),
      tile('subscriptions', String(model.subscriptions.size)),
      tile('messages in /s', last === undefined ? '–' : shortNumber(last.messagesIn)),
      tile('messages out /s', last === undefined ? '–' : shortNumber(last.messagesOut)),
      tile('calls /s', last === undefined ? '–' : shortNumber(last.calls)),
      tile('events /s', last === undefined ? '–' : shortNumber(last.delivered)),
    );
    drawChart(
      this.#chart,
      [
        { name: 'messagesIn', color: '#38bdf8', values: model.rates.map((r) => r.messagesIn) },
        { name: 'messagesOut', color: '#f472b6', values: model.rates.map((r) => r.messagesOut) },
        { name: 'calls', color: '#a3e635', values: model.rates.map((r) => r.calls) },
      ],
      RATE_POINTS,
    );
    this.#sessions.update();
    this.#registrations.update();
    this.#subscriptions.update();
  }
}
