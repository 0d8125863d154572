import { ChangeDetectionStrategy, Component, ViewEncapsulation, computed, inject, input } from '@angular/core';
import { DomSanitizer, SafeHtml } from '@angular/platform-browser';
import { renderMarkdown } from './render-markdown';

/**
 * A message's body, formatted. The HTML comes from renderMarkdown(), which DOMPurify has already cut down to the
 * allow-list; it is marked trusted only so that Angular's own sanitiser (which does not know `data-color`) does
 * not strip the colour spans again and warn about it.
 */
@Component({
  selector: 'app-message-body',
  template: '',
  styleUrl: './message-body.css',
  // The rendered HTML is not part of this template, so the styles must reach it unscoped (under app-message-body).
  encapsulation: ViewEncapsulation.None,
  host: { '[innerHTML]': 'html()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageBody {
  private readonly sanitizer = inject(DomSanitizer);

  /** The Markdown text as stored. */
  readonly body = input.required<string>();

  protected readonly html = computed<SafeHtml>(() => this.sanitizer.bypassSecurityTrustHtml(renderMarkdown(this.body())));
}
