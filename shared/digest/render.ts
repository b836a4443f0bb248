import { renderHtml } from './render-html.ts';
import { renderSubject, type AttachmentNote } from './render-parts.ts';
import type { DigestReport } from './report.ts';
import { renderText } from './render-text.ts';

export { renderHtml } from './render-html.ts';
export { renderText } from './render-text.ts';
export { attachmentLine, renderSubject, type AttachmentNote } from './render-parts.ts';
export { MAX_GROUPS_SHOWN, MAX_PROCESS_LINES, TOP_GROUPS } from './layout.ts';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function renderEmail(r: DigestReport, note?: AttachmentNote): RenderedEmail {
  return { subject: renderSubject(r), text: renderText(r, note), html: renderHtml(r, note) };
}
