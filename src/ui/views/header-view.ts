import type { SparkView, ViewModel } from '../view-model.js';
import { esc, TextBox } from './text-box.js';

export function sparkLine(s: SparkView, color: string): string {
  if (s.label === '' && s.bars === '') return '';
  return ` ${s.label} {${color}-fg}${esc(s.bars)}{/${color}-fg} ${esc(s.value)}`;
}

/** Totals line, then the total rx and tx sparklines. */
export function renderHeader(box: TextBox, vm: ViewModel): void {
  const h = vm.layout.header;
  box.place(h);
  const lines = [`{bold}${esc(vm.header.totals)}{/bold}`];
  if (h.height >= 3) lines.push(sparkLine(vm.header.rx, 'green'), sparkLine(vm.header.tx, 'cyan'));
  box.set(lines.join('\n'));
}
