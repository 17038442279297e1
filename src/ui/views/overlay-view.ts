import type { ViewModel } from '../view-model.js';
import { esc, TextBox } from './text-box.js';

/**
 * Help and block commands, in a box with only top and bottom borders so that
 * the lines can be selected and pasted without stray border characters.
 */
export function renderOverlay(box: TextBox, vm: ViewModel): void {
  const o = vm.overlay;
  if (!o || vm.layout.tooSmall) {
    box.show(false);
    return;
  }
  const r = vm.layout.overlay;
  const height = Math.min(r.height, o.lines.length + 4);
  box.place({ left: r.left, top: r.top + Math.floor((r.height - height) / 2), width: r.width, height });
  box.show(true);
  box.label(o.title);
  box.set(['', ...o.lines.map((l) => ` ${esc(l)}`)].join('\n'));
  box.element.setFront();
}
