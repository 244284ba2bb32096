import { lastValueFrom } from 'rxjs';
import { PayloadError, WampError, WampResult } from '../../src/index.js';
import { generatePayloadKey, xsalsa20poly1305Cipher } from '../../src/e2ee/index.js';
import type { PptSerializerName, SerializerName, WampEvent } from '../../src/index.js';
import { firstKeeping, pageClients } from './support/page-clients.js';

describe('Payload Passthru Mode in the browser, through the rxwamp router', () => {
  const { client, uniqueUri } = pageClients('com.browser.ppt');

  const bytes = new Uint8Array([0, 1, 254, 255]);
  for (const serializer of ['json', 'msgpack', 'cbor'] as SerializerName[]) {
    for (const ppt_serializer of ['native', 'json', 'msgpack', 'cbor'] as PptSerializerName[]) {
      it(`round-trips a call and an event with ppt_serializer ${ppt_serializer} over wamp.2.${serializer}`, async () => {
        const ppt = { ppt_scheme: 'x_browser', ppt_serializer };
        const callee = client({ serializer });
        const caller = client({ serializer });
        const procedure = uniqueUri('echo');
        await firstKeeping(callee.register(procedure, (args, kwargs) => new WampResult([...args, 'back'], kwargs)));
        const result = await lastValueFrom(caller.call(procedure, ['ü', bytes, { n: [1, 2] }], { k: true }, ppt));
        expect(result.args).toEqual(['ü', bytes, { n: [1, 2] }, 'back']);
        expect(result.kwargs).toEqual({ k: true });
        expect(result.details).toEqual(jasmine.objectContaining(ppt));

        const topic = uniqueUri('feed');
        const event = new Promise<WampEvent>((resolve, reject) => callee.subscribe(topic).subscribe({ next: resolve, error: reject }));
        await lastValueFrom(callee.call('wamp.session.count')); // the SUBSCRIBE is in place
        await lastValueFrom(caller.publish(topic, [bytes], { x: 1 }, { ...ppt, acknowledge: true }));
        const received = await event;
        expect(received.args).toEqual([bytes]);
        expect(received.kwargs).toEqual({ x: 1 });
        expect(received.details).toEqual(jasmine.objectContaining(ppt));
      });
    }
  }

  it('encrypts end to end with xsalsa20poly1305 in the browser; the wrong key fails clearly', async () => {
    const key = generatePayloadKey();
    const e2ee = { ppt_scheme: 'wamp', ppt_serializer: 'cbor', ppt_cipher: 'xsalsa20poly1305', ppt_keyid: 'k' };
    const callee = client({ serializer: 'msgpack', payloadCiphers: [xsalsa20poly1305Cipher({ k: key })] });
    const caller = client({ payloadCiphers: [xsalsa20poly1305Cipher({ k: key })] });
    const stranger = client({ payloadCiphers: [xsalsa20poly1305Cipher({ k: generatePayloadKey() })] });
    const procedure = uniqueUri('vault');
    await firstKeeping(callee.register(procedure, ([x]) => `opened ${String(x)}`));
    const result = await lastValueFrom(caller.call(procedure, ['box'], {}, e2ee));
    expect(result.args).toEqual(['opened box']);
    const topic = uniqueUri('whispers');
    const outcome = new Promise<unknown>((resolve) => stranger.subscribe(topic).subscribe({ next: resolve, error: resolve }));
    await lastValueFrom(stranger.call('wamp.session.count'));
    await lastValueFrom(caller.publish(topic, ['secret'], {}, { ...e2ee, acknowledge: true }));
    const error = await outcome;
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as WampError).uri).toBe('wamp.error.invalid_payload');
    expect((error as Error).message).toMatch(/wrong key or tampered ciphertext/);
  });
});
