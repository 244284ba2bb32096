// A client over RawSocket (TCP, MessagePack): Node only; browsers use WebSocket.
//   npx tsx examples/rawsocket-client.ts                                              # its own router
//   WAMP_RAWSOCKET_URL=rs://127.0.0.1:8081 npx tsx examples/rawsocket-client.ts       # a running router
import { firstValueFrom, lastValueFrom, Subscription } from 'rxjs';
import { WampClient } from 'rxwamp';
import { routerUrls } from './support/router-urls.js';

const router = await routerUrls();
const client = new WampClient({ url: router.rs, realm: 'realm1', serializer: 'msgpack' });

const session = await firstValueFrom(client.session$);
console.log(`rawsocket: session ${session.id} on ${router.rs} speaking ${session.serializer.subprotocol}`);

const held = new Subscription();
await new Promise<void>((resolve, reject) => {
  const add = client.register('com.example.add2', ([a, b]) => Number(a) + Number(b));
  held.add(add.subscribe({ next: () => resolve(), error: reject }));
});
const sum = await lastValueFrom(client.call('com.example.add2', [2, 3]));
console.log(`rawsocket: com.example.add2(2, 3) = ${String(sum.args[0])}`);

// Binary payloads travel as MessagePack bin, untouched.
const echoed = firstValueFrom(client.subscribe('com.example.bytes'));
await lastValueFrom(client.call('wamp.session.count'));
await lastValueFrom(client.publish('com.example.bytes', [new Uint8Array([1, 2, 255])], {}, { acknowledge: true, exclude_me: false }));
const bytes = (await echoed).args[0] as Uint8Array;
console.log(`rawsocket: received ${bytes instanceof Uint8Array ? 'bytes' : typeof bytes} [${Array.from(bytes).join(', ')}]`);

held.unsubscribe();
await client.close();
await router.close();
