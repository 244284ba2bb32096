// The Angular app of this example: one WampService for the whole app, one live feed.
// Bundle it with your Angular build (ng build, or esbuild with the Angular plugin);
// the karma spec in spec/browser/angular/ runs the same service and component.
import { Component } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideZonelessChangeDetection } from '@angular/core';
import { ticks } from './contracts.js';
import { TopicFeedComponent } from './topic-feed.component.js';
import { provideWamp } from './wamp.service.js';

/** The root component: a feed of the `ticks` topic (contracts.ts). */
@Component({
  selector: 'app-root',
  imports: [TopicFeedComponent],
  template: `<app-topic-feed [topic]="ticks" [limit]="5" />`,
})
export class AppComponent {
  /** The feed's topic, by its contract. */
  readonly ticks = ticks;
}

bootstrapApplication(AppComponent, {
  providers: [provideZonelessChangeDetection(), provideWamp({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1' })],
}).catch((err: unknown) => console.error(err));
