import { AsyncPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, Input, inject } from '@angular/core';
import type { OnInit } from '@angular/core';
import { map, scan, startWith } from 'rxjs';
import type { Observable } from 'rxjs';
import type { WampEvent } from 'rxwamp';
import { WampService } from './wamp.service.js';

/** One rendered EVENT. */
export interface FeedItem {
  /** The publication id: unique per event, so the list tracks by it. */
  readonly id: number;
  readonly text: string;
}

/** An EVENT as a line of text: its first argument, or its kwargs as JSON. */
function toItem(event: WampEvent): FeedItem {
  const [first] = event.args;
  const text = first !== undefined ? String(first) : JSON.stringify(event.kwargs);
  return { id: event.publication, text };
}

/** A live feed of a topic's EVENTs, newest first, rendered with the `async` pipe. */
@Component({
  selector: 'app-topic-feed',
  imports: [AsyncPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="topic">{{ topic }}</h2>
    <ul>
      @for (item of (feed$ | async) ?? []; track item.id) {
        <li class="event">{{ item.text }}</li>
      } @empty {
        <li class="waiting">waiting for events…</li>
      }
    </ul>
  `,
})
export class TopicFeedComponent implements OnInit {
  /** The topic to show. */
  @Input({ required: true }) topic!: string;
  /** How many of the newest events to keep. */
  @Input() limit = 10;

  /** The newest events first; the WAMP subscription lives while the async pipe subscribes. */
  feed$!: Observable<FeedItem[]>;

  readonly #wamp = inject(WampService);

  ngOnInit(): void {
    this.feed$ = this.#wamp.subscribe(this.topic).pipe(
      map(toItem),
      scan((items: FeedItem[], item) => [item, ...items].slice(0, this.limit), []),
      startWith([] as FeedItem[]),
    );
  }
}
