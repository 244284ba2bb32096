// Angular in JIT mode: the compiler must load before any component is declared.
import '@angular/compiler';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { WampClient } from 'rxwamp';
import { TopicFeedComponent } from '../../../examples/angular/topic-feed.component.js';
import { provideWamp, WampService } from '../../../examples/angular/wamp.service.js';
import { routerUrl } from '../support/karma-env.js';

let environmentReady = false;
/** TestBed's platform, once per page (the other browser specs do not use Angular). */
function initAngularTesting(): void {
  if (environmentReady) return;
  TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting(), { teardown: { destroyAfterEach: true } });
  environmentReady = true;
}

let topicCount = 0;
const uniqueTopic = (): string => `com.angular.feed.${Date.now()}.${++topicCount}`;

/** The texts of the rendered events, in DOM order. */
const renderedEvents = (fixture: ComponentFixture<TopicFeedComponent>): string[] =>
  Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('li.event'), (li) => li.textContent?.trim() ?? '');

describe('Angular: WampService and TopicFeedComponent against the rxwamp router', () => {
  let publisher: WampClient;

  beforeAll(initAngularTesting);
  beforeEach(() => {
    publisher = new WampClient({ url: routerUrl(), realm: 'realm1', serializer: 'cbor', reconnect: false });
    TestBed.configureTestingModule({
      imports: [TopicFeedComponent],
      providers: [provideZonelessChangeDetection(), provideWamp({ url: routerUrl(), realm: 'realm1', serializer: 'msgpack', reconnect: false })],
    });
  });
  afterEach(async () => {
    TestBed.resetTestingModule();
    await publisher.close();
  });

  it('injects one WampService app-wide, with one session', async () => {
    const service = TestBed.inject(WampService);
    expect(TestBed.inject(WampService)).toBe(service);
    const session = await firstValueFrom(service.session$);
    expect(session.realm).toBe('realm1');
    expect(session.serializer.subprotocol).toBe('wamp.2.msgpack');
  });

  it('renders real EVENTs from the router with the async pipe, newest first', async () => {
    const topic = uniqueTopic();
    const fixture = TestBed.createComponent(TopicFeedComponent);
    fixture.componentRef.setInput('topic', topic);
    fixture.componentRef.setInput('limit', 2);
    fixture.autoDetectChanges();
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).querySelector('h2.topic')?.textContent).toBe(topic);
    expect((fixture.nativeElement as HTMLElement).querySelector('li.waiting')).not.toBeNull();

    const service = TestBed.inject(WampService);
    // The feed's SUBSCRIBE went out on the service's session before this call: once the
    // call returns, the router has the subscription.
    const seen = lastValueFrom(service.subscribe(topic).pipe(take(3), toArray()));
    await lastValueFrom(service.call('wamp.session.count'));
    for (const text of ['first', 'second', 'third']) await lastValueFrom(publisher.publish(topic, [text], {}, { acknowledge: true }));
    await seen;
    await fixture.whenStable();

    expect(renderedEvents(fixture)).toEqual(['third', 'second']);
    expect((fixture.nativeElement as HTMLElement).querySelector('li.waiting')).toBeNull();
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
