/**
 * The dashboard page: rxwamp's own browser client, joined to one realm, showing it through
 * the meta API and the router's rates topic. Built by esbuild into dist/dashboard/app.js.
 */
import { auditTime, firstValueFrom } from 'rxjs';
import { WampClient } from '../client/wamp-client.js';
import type { WampClientOptions } from '../client/client-options.js';
import { WampError } from '../protocol/errors.js';
import type { DashboardPageConfig } from '../node/dashboard/page-config.js';
import { RealmModel } from './realm-model.js';
import { DashboardView } from './view.js';

const app = document.getElementById('app')!;

function header(config: DashboardPageConfig, status: string, ok: boolean): HTMLElement {
  const h = document.createElement('header');
  const title = document.createElement('h1');
  title.textContent = `rxwamp · ${config.realm}`;
  const state = document.createElement('span');
  state.className = `status ${ok ? 'ok' : 'bad'}`;
  state.id = 'status';
  state.textContent = status;
  h.append(title, state);
  return h;
}

function socketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

/** Joins the realm; resolves with the client once the router has welcomed it with an admitted role. */
async function join(config: DashboardPageConfig, credentials: { authid: string; secret: string } | undefined): Promise<WampClient> {
  const options: WampClientOptions = { url: socketUrl(config.path), realm: config.realm, reconnect: { maxRetries: Infinity, maxDelayMs: 5000 } };
  if (credentials !== undefined) {
    options.authid = credentials.authid;
    if (config.authmethods.includes('ticket')) options.ticket = credentials.secret;
    else options.secret = credentials.secret;
  }
  const client = new WampClient(options);
  const session = await firstValueFrom(client.session$);
  const authrole = String(session.details['authrole'] ?? '');
  if (!config.roles.includes(authrole)) {
    client.close();
    throw new Error(`the authrole '${authrole}' may not use the dashboard`);
  }
  return client;
}

/** The login form; after a refusal it shows why, with the authid kept. */
function loginForm(config: DashboardPageConfig, error: string, authid: string): Promise<{ authid: string; secret: string }> {
  return new Promise((resolve) => {
    const form = document.createElement('form');
    form.id = 'login';
    const method = config.authmethods.includes('ticket') ? 'ticket' : 'WAMP-CRA secret';
    form.innerHTML = `<h2>Sign in to ${config.realm}</h2>
      <label>authid <input id="authid" name="authid" autocomplete="username" required></label>
      <label>${method} <input id="secret" name="secret" type="password" autocomplete="current-password" required></label>
      <button id="sign-in" type="submit">Sign in</button>
      <div class="error" role="alert"></div>`;
    form.querySelector('.error')!.textContent = error;
    form.querySelector<HTMLInputElement>('#authid')!.value = authid;
    form.querySelector<HTMLInputElement>(authid === '' ? '#authid' : '#secret')!.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      resolve({ authid: String(data.get('authid') ?? ''), secret: String(data.get('secret') ?? '') });
    });
    app.replaceChildren(header(config, 'signed out', false), form);
  });
}

function explain(error: unknown): string {
  if (error instanceof WampError) return `refused: ${error.uri}${typeof error.args[0] === 'string' ? ` (${error.args[0]})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const config = (await (await fetch('/dashboard/config.json')).json()) as DashboardPageConfig;
  const anonymous = config.authmethods.includes('anonymous');
  let client: WampClient | undefined;
  let error = '';
  let authid = '';
  while (client === undefined) {
    const credentials = anonymous ? undefined : await loginForm(config, error, authid);
    authid = credentials?.authid ?? '';
    try {
      client = await join(config, credentials);
    } catch (e) {
      error = explain(e);
      if (anonymous) {
        app.replaceChildren(header(config, error, false));
        return;
      }
    }
  }
  const session = client.session!;
  const model = new RealmModel(client);
  const view = new DashboardView(model, () => model.changed$.next());
  const top = header(config, `joined as ${String(session.details['authid'])} (${String(session.details['authrole'])})`, true);
  app.replaceChildren(top, view.element);
  model.changed$.pipe(auditTime(100)).subscribe(() => view.update());
  client.session$.subscribe({
    next: (s) => (top.querySelector('#status')!.textContent = `joined as ${String(s.details['authid'])} (${String(s.details['authrole'])})`),
    error: (e: unknown) => {
      const status = top.querySelector('#status')!;
      status.textContent = explain(e);
      status.className = 'status bad';
    },
  });
  await model.start(config.ratesTopic);
  document.body.dataset['ready'] = 'true';
}

void main();
