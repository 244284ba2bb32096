import { AsyncPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, Input, inject } from '@angular/core';
import type { OnInit } from '@angular/core';
import { catchError, map, of, scan, startWith } from 'rxjs';
import type { Observable } from 'rxjs';
import { WampError } from 'rxwamp';
import type { TextTopic } from './contracts.js';
import { WampService } from './wamp.service.js';

/** One rendered EVENT. */
export interface FeedItem {
  /** The publication id: unique per event, so the list tracks by it. */
  readonly id: number;
  readonly text: string;
}

/** What the feed shows: the newest events first, and why it stopped if it did. */
export interface FeedState {
  readonly items: readonly FeedItem[];
  readonly error?: string;
}

/** A new event, or the error that ended the feed. */
type FeedChange = { readonly item: FeedItem } | { readonly error: string };

/**
 * A live feed of a text topic's EVENTs, newest first, rendered with the `async` pipe. The
 * topic's contract types each event (`args: [string]`) and checks it: an event that breaks
 * the contract stops the feed with a message instead of rendering garbage.
 */
@Component({
  selector: 'app-topic-feed',
  imports: [AsyncPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="topic">{{ topic.uri }}</h2>
    @let feed = feed$ | async;
    <ul>
      @for (item of feed?.items ?? []; track item.id) {
        <li class="event">{{ item.text }}</li>
      } @empty {
        <li class="waiting">waiting for events…</li>
      }
    </ul>
    @if (feed?.error) {
      <p class="error">{{ feed?.error }}</p>
    }
  `,
})
export class TopicFeedComponent implements OnInit {
  /** The topic to show, by its contract. */
  @Input({ required: true }) topic!: TextTopic;
  /** How many of the newest events to keep. */
  @Input() limit = 10;

  /** The newest events first; the WAMP subscription lives while the async pipe subscribes. */
  feed$!: Observable<FeedState>;

  readonly #wamp = inject(WampService);

  ngOnInit(): void {
    this.feed$ = this.#wamp.subscribe(this.topic).pipe(
      map((event): FeedChange => ({ item: { id: event.publication, text: event.args[0] } })),
      catchError((err: unknown) => of<FeedChange>({ error: err instanceof WampError ? err.message : String(err) })),
      scan((state: FeedState, change) => ('item' in change ? { items: [change.item, ...state.items].slice(0, this.limit) } : { ...state, error: change.error }), { items: [] }),
      startWith<FeedState>({ items: [] }),
    );
  }
}
