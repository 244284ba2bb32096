// Angular in JIT mode: the compiler must load before any component is declared.
import '@angular/compiler';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { defineProcedure } from 'rxwamp';
import type { WampClient } from 'rxwamp';
import { TestRealm } from 'rxwamp/testing';
import { sessionCount, ticks } from '../../../examples/angular/contracts.js';
import { TopicFeedComponent } from '../../../examples/angular/topic-feed.component.js';
import { provideWamp, WampService } from '../../../examples/angular/wamp.service.js';

let environmentReady = false;
/** TestBed's platform, once per page (the other browser specs do not use Angular). */
function initAngularTesting(): void {
  if (environmentReady) return;
  TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting(), { teardown: { destroyAfterEach: true } });
  environmentReady = true;
}

/** The texts of the rendered events, in DOM order. */
const renderedEvents = (fixture: ComponentFixture<TopicFeedComponent>): string[] =>
  Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('li.event'), (li) => li.textContent?.trim() ?? '');

const element = (fixture: ComponentFixture<TopicFeedComponent>, selector: string): Element | null => (fixture.nativeElement as HTMLElement).querySelector(selector);

// The app's WampService against a real router in the page's memory (rxwamp/testing): no
// router process, no sockets; every message still goes through MessagePack and back.
describe('Angular: WampService and TopicFeedComponent with rxwamp/testing', () => {
  let realm: TestRealm;
  let publisher: WampClient;

  beforeAll(initAngularTesting);
  beforeEach(() => {
    realm = new TestRealm({ serializer: 'msgpack' });
    publisher = realm.client({ serializer: 'cbor' });
    TestBed.configureTestingModule({
      imports: [TopicFeedComponent],
      providers: [provideZonelessChangeDetection(), provideWamp(realm.clientOptions())],
    });
  });
  afterEach(async () => {
    TestBed.resetTestingModule();
    await realm.close();
  });

  /** The feed component on the `ticks` topic, rendered and subscribed. */
  async function feed(limit: number): Promise<ComponentFixture<TopicFeedComponent>> {
    const fixture = TestBed.createComponent(TopicFeedComponent);
    fixture.componentRef.setInput('topic', ticks);
    fixture.componentRef.setInput('limit', limit);
    fixture.autoDetectChanges();
    await fixture.whenStable();
    return fixture;
  }

  it('injects one WampService app-wide, with one session', async () => {
    const service = TestBed.inject(WampService);
    expect(TestBed.inject(WampService)).toBe(service);
    const session = await firstValueFrom(service.session$);
    expect(session.realm).toBe('realm1');
    expect(session.serializer.subprotocol).toBe('wamp.2.msgpack');
  });

  it('renders the EVENTs of a topic contract with the async pipe, newest first', async () => {
    const fixture = await feed(2);
    expect(element(fixture, 'h2.topic')?.textContent).toBe('com.example.ticks');
    expect(element(fixture, 'li.waiting')).not.toBeNull();
    // In-memory delivery is synchronous: the feed's subscription is in place already, and
    // each publication reaches it before publish() returns.
    for (const text of ['first', 'second', 'third']) publisher.publish(ticks, [text]).subscribe();
    await fixture.whenStable();
    expect(renderedEvents(fixture)).toEqual(['third', 'second']);
    expect(element(fixture, 'li.waiting')).toBeNull();
  });

  it('an event that breaks the contract stops the feed with a message, keeping what it showed', async () => {
    const fixture = await feed(5);
    publisher.publish(ticks, ['fine']).subscribe();
    publisher.publish('com.example.ticks', [42]).subscribe();
    publisher.publish(ticks, ['not shown: the feed ended']).subscribe();
    await fixture.whenStable();
    expect(renderedEvents(fixture)).toEqual(['fine']);
    expect(element(fixture, 'p.error')?.textContent).toContain('rxwamp.error.invalid_event');
  });

  it('calls and registers through the service with contracts, typed and checked', async () => {
    const service = TestBed.inject(WampService);
    const shout = defineProcedure<{ args: [string]; result: string }>('com.example.shout');
    const registration = service.register(shout, ([text]) => text.toUpperCase()).subscribe();
    const reply: string = (await lastValueFrom(publisher.call(shout, ['hello']))).args[0];
    expect(reply).toBe('HELLO');
    expect((await lastValueFrom(service.call(sessionCount))).args[0]).toBe(2);
    expect(await lastValueFrom(service.sessionCount())).toBe(2);
    registration.unsubscribe();
  });

  it('closes the connection when the app is destroyed', async () => {
    const service = TestBed.inject(WampService);
    const session = await firstValueFrom(service.session$);
    expect(session.state).toBe('established');
    TestBed.resetTestingModule();
    expect(service.closed).toBeTrue();
    // GOODBYE went out: the session ends and the client completes its session stream.
    await expectAsync(lastValueFrom(service.session$.pipe(toArray()))).toBeResolved();
    expect(session.state).toBe('closed');
  });
});
