import type { ViewModel } from '../view-model.js';
import { esc, TextBox } from './text-box.js';

export function renderStatus(box: TextBox, vm: ViewModel): void {
  box.place(vm.layout.status);
  box.set(`{inverse}${esc(vm.status)}{/inverse}`);
}
