import type { ViewModel } from '../view-model.js';
import { esc, TextBox } from './text-box.js';

export function renderTooSmall(box: TextBox, vm: ViewModel): void {
  const msg = vm.layout.tooSmall;
  box.show(msg !== null);
  if (msg === null) return;
  box.place({ left: 0, top: 0, width: vm.layout.width, height: vm.layout.height });
  box.set(`{bold}${esc(msg)}{/bold}`);
  box.element.setFront();
}
