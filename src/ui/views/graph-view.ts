import type { ViewModel } from '../view-model.js';
import { sparkLine } from './header-view.js';
import { esc, TextBox } from './text-box.js';

/** History of the selected row: a title rule, then its rx and tx sparklines. */
export function renderGraph(box: TextBox, vm: ViewModel): void {
  const g = vm.layout.graph;
  box.place(g);
  if (g.height === 0) return;
  box.set([`{blue-fg}${esc(vm.graph.title)}{/blue-fg}`, sparkLine(vm.graph.rx, 'green'), sparkLine(vm.graph.tx, 'cyan')].join('\n'));
}
