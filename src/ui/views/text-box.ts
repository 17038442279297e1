import blessed from 'blessed';
import type { Rect } from '../layout.js';

/**
 * A blessed box that touches the screen only when something changed: content
 * is set only when its string differs, placement only when the rectangle does.
 */
export class TextBox {
  readonly element: blessed.Widgets.BoxElement;
  private content: string | null = null;
  private rect: Rect | null = null;
  private visible: boolean;
  private labelText: string | null = null;

  constructor(parent: blessed.Widgets.Screen, options: blessed.Widgets.BoxOptions = {}) {
    this.element = blessed.box({
      parent,
      tags: true,
      wrap: false,
      scrollable: false,
      ...options,
    });
    this.visible = options.hidden !== true;
  }

  label(text: string): void {
    if (text === this.labelText) return;
    this.labelText = text;
    this.element.setLabel(text);
  }

  place(rect: Rect): void {
    const r = this.rect;
    if (r && r.left === rect.left && r.top === rect.top && r.width === rect.width && r.height === rect.height) return;
    this.rect = rect;
    this.element.left = rect.left;
    this.element.top = rect.top;
    this.element.width = Math.max(1, rect.width);
    this.element.height = Math.max(1, rect.height);
    this.show(rect.width > 0 && rect.height > 0);
  }

  show(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (visible) this.element.show();
    else this.element.hide();
  }

  /** `content` uses blessed tags; text from a snapshot must already be escaped with `esc`. */
  set(content: string): void {
    if (content === this.content) return;
    this.content = content;
    this.element.setContent(content);
  }
}

/** Escape text for a tagged blessed box. */
export function esc(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}
