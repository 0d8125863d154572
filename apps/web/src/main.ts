import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';

bootstrapApplication(App, appConfig).catch((err: unknown) => {
  // Nothing else can report a failed bootstrap: the app is not running.
  // eslint-disable-next-line no-console
  console.error(err);
});
