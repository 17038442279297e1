import type { Rect } from '../layout.js';
import type { PaneView } from '../view-model.js';
import { esc, TextBox } from './text-box.js';

/** Column header (reverse video when the pane has focus) and the visible rows, the selected one highlighted. */
export function renderPane(box: TextBox, rect: Rect, pane: PaneView): void {
  box.place(rect);
  const header = pane.focused ? `{inverse}${esc(pane.header)}{/inverse}` : `{underline}${esc(pane.header)}{/underline}`;
  const rows = pane.lines.map((line, i) => {
    if (i !== pane.selected) return esc(line);
    return pane.focused ? `{inverse}${esc(line)}{/inverse}` : `{bold}${esc(line)}{/bold}`;
  });
  box.set([header, ...rows].join('\n'));
}
