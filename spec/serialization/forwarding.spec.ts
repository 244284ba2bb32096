import { encodedSpanOf } from '../../src/protocol/lazy-arguments.js';
import { createMessage, messageFromArray } from '../../src/protocol/message.js';
import type { Message } from '../../src/protocol/message.js';
import { decodeForwarding } from '../../src/serialization/forwarding.js';
import { createSerializers } from '../../src/serialization/registry.js';

describe('decodeForwarding', () => {
  for (const serializer of createSerializers()) {
    describe(serializer.id, () => {
      const call = messageFromArray([48, 1, { timeout: 100 }, 'com.example.p', ['x'.repeat(100), 2], { k: [true] }]);
      const frame = serializer.encode(call);

      it('keeps Arguments encoded from that size on: an INVOCATION re-uses them without decoding them, and the first read decodes them once', () => {
        const message = decodeForwarding(serializer, frame, frame.length) as Message<'CALL'>;
        const args = encodedSpanOf(message.fields.Arguments)!;
        const kwargs = encodedSpanOf(message.fields.ArgumentsKw)!;
        expect(args.format).toBe(serializer.id);
        const decodes = [spyOn(args, 'decode').and.callThrough(), spyOn(kwargs, 'decode').and.callThrough()];
        expect(message.fields.Options).toEqual({ timeout: 100 });
        const { Arguments, ArgumentsKw } = message.fields;
        const invocation = serializer.encode(createMessage('INVOCATION', { Request: 5, Registration: 6, Details: {}, Arguments, ArgumentsKw }));
        for (const decode of decodes) expect(decode).not.toHaveBeenCalled();
        expect(serializer.decode(invocation).toArray()).toEqual([68, 5, 6, {}, ['x'.repeat(100), 2], { k: [true] }]);
        expect(message.args[1]).toBe(2);
        expect(message.kwargs).toEqual({ k: [true] });
        expect(message.args.length).toBe(2);
        for (const decode of decodes) expect(decode).toHaveBeenCalledTimes(1);
      });

      it('decodes smaller frames, and the serializers themselves everything, at once', () => {
        expect(encodedSpanOf(decodeForwarding(serializer, frame, frame.length + 1).fields['Arguments' as never])).toBeUndefined();
        expect(encodedSpanOf(serializer.decode(frame).fields['Arguments' as never])).toBeUndefined();
      });

      it('lets another serialization encode the decoded values', () => {
        const message = decodeForwarding(serializer, frame, 0) as Message<'CALL'>;
        for (const other of createSerializers()) {
          const { Arguments, ArgumentsKw } = message.fields;
          const out = other.encode(createMessage('INVOCATION', { Request: 5, Registration: 6, Details: {}, Arguments, ArgumentsKw }));
          expect(other.decode(out).toArray()).withContext(other.id).toEqual([68, 5, 6, {}, ['x'.repeat(100), 2], { k: [true] }]);
        }
      });
    });
  }
});
