// End-to-end encryption over Payload Passthru Mode: a call, its result and a publication
// travel encrypted (XSalsa20-Poly1305) between clients that share a key; the router
// relays ciphertext it cannot read, and a peer without the key gets a clear error.
//   npx tsx examples/end-to-end-encryption.ts                                  # its own router
//   WAMP_URL=ws://127.0.0.1:8080/ws npx tsx examples/end-to-end-encryption.ts  # a running router
import { firstValueFrom, lastValueFrom } from 'rxjs';
import type { Subscription } from 'rxjs';
import { WampClient, WampError } from 'rxwamp';
import { generatePayloadKey, xsalsa20poly1305Cipher } from 'rxwamp/e2ee';
import { routerUrls } from './support/router-urls.js';

const router = await routerUrls();

// The key ring: key ids to 32-byte keys. Share it with the peers that may read, never with the router.
const keyRing = new Map([['team-2026', generatePayloadKey()]]);
const e2ee = { ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'team-2026' };

const withKey = (serializer: 'json' | 'msgpack' | 'cbor'): WampClient =>
  new WampClient({ url: router.ws, realm: 'realm1', serializer, payloadCiphers: [xsalsa20poly1305Cipher(keyRing)] });
const vault = withKey('msgpack');
const client = withKey('json');
const listener = withKey('cbor');
// Configured for the cipher, but holding no key for team-2026.
const outsider = new WampClient({ url: router.ws, realm: 'realm1', payloadCiphers: [xsalsa20poly1305Cipher(new Map())] });

// The callee reads the decrypted arguments; its result goes back encrypted the same way.
let registration: Subscription | undefined;
await new Promise((registered) => {
  registration = vault
    .register('com.example.vault.open', ([secret], { pin }) => {
      console.log(`vault: received ${JSON.stringify(secret)} with pin ${String(pin)}`);
      return `opened ${String(secret)}`;
    })
    .subscribe(registered);
});

const result = await lastValueFrom(client.call('com.example.vault.open', ['the crown jewels'], { pin: 1234 }, e2ee));
console.log(`client: result ${JSON.stringify(result.args[0])} (encrypted with ${String(result.details['ppt_cipher'])}, key ${String(result.details['ppt_keyid'])})`);

// A publication: the listener with the key reads it, the outsider learns only that it cannot.
// (A call after subscribing returns once the router has handled the SUBSCRIBE before it.)
const heard = firstValueFrom(listener.subscribe('com.example.whispers'));
const refused = firstValueFrom(outsider.subscribe('com.example.whispers')).then(
  () => 'read it (unexpected)',
  (e: unknown) => (e instanceof WampError ? `${e.uri}: ${String(e.args[0])}` : String(e)),
);
await Promise.all([lastValueFrom(listener.call('wamp.session.count')), lastValueFrom(outsider.call('wamp.session.count'))]);
await lastValueFrom(client.publish('com.example.whispers', ['meet at noon'], {}, { ...e2ee, acknowledge: true }));
console.log(`listener: heard ${JSON.stringify((await heard).args[0])}`);
console.log(`outsider: ${await refused}`);

registration?.unsubscribe();
await Promise.all([vault.close(), client.close(), listener.close(), outsider.close()]);
await router.close();
console.log('done');
