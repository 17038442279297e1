import blessed from 'blessed';
import { keyNames } from './keys.js';
import { renderGraph } from './views/graph-view.js';
import { renderHeader } from './views/header-view.js';
import { renderOverlay } from './views/overlay-view.js';
import { renderPane } from './views/pane-view.js';
import { renderStatus } from './views/status-view.js';
import { TextBox } from './views/text-box.js';
import { renderTooSmall } from './views/too-small-view.js';
import type { ViewModel } from './view-model.js';

export interface ScreenOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** terminfo name; defaults to $TERM, or xterm-256color when unset or "dumb" */
  terminal?: string | undefined;
  title?: string | undefined;
}

/**
 * The blessed screen and its widgets. It draws view models and reports keys
 * and resizes; it knows nothing about traffic. Blessed diffs the cell buffer
 * and writes only changed cells (smartCSR/fastCSR), and the boxes are only
 * touched when their text changed.
 */
export class TuiScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly header: TextBox;
  private readonly panes: [TextBox, TextBox];
  private readonly graph: TextBox;
  private readonly status: TextBox;
  private readonly overlay: TextBox;
  private readonly tooSmall: TextBox;
  private destroyed = false;

  constructor(opts: ScreenOptions) {
    const envTerm = process.env['TERM'];
    const terminal = opts.terminal ?? (envTerm && envTerm !== 'dumb' ? envTerm : 'xterm-256color');
    this.screen = blessed.screen({
      input: opts.input as NodeJS.ReadStream,
      output: opts.output as NodeJS.WriteStream,
      terminal,
      smartCSR: true,
      fastCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      autoPadding: false,
      warnings: false,
      useBCE: true,
      title: opts.title ?? 'wiretop',
    });
    // The terminal is UTF-8 (forceUnicode): draw ─ │ · as themselves, not through the
    // alternate character set, which some terminfo entries (tmux-256color) get wrong.
    (this.screen.program as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    trimRedundantMoves(this.screen);
    this.header = new TextBox(this.screen);
    this.panes = [new TextBox(this.screen), new TextBox(this.screen)];
    this.graph = new TextBox(this.screen);
    this.status = new TextBox(this.screen);
    this.overlay = new TextBox(this.screen, {
      hidden: true,
      border: { type: 'line', left: false, right: false } as blessed.Widgets.Border,
      style: { border: { fg: 'yellow' } },
    });
    this.tooSmall = new TextBox(this.screen, { hidden: true, wrap: true });
  }

  get width(): number {
    return Number(this.screen.width) || 0;
  }

  get height(): number {
    return Number(this.screen.height) || 0;
  }

  onKey(listener: (name: string) => void): void {
    this.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
      for (const name of keyNames(ch, key)) listener(name);
    });
  }

  onResize(listener: () => void): void {
    this.screen.on('resize', listener);
  }

  render(vm: ViewModel): void {
    if (this.destroyed) return;
    const small = vm.layout.tooSmall !== null;
    renderHeader(this.header, vm);
    renderPane(this.panes[0], vm.layout.panes[0], vm.panes[0]);
    renderPane(this.panes[1], vm.layout.panes[1], vm.panes[1]);
    renderGraph(this.graph, vm);
    renderStatus(this.status, vm);
    for (const b of [this.header, ...this.panes, this.graph, this.status]) if (small) b.show(false);
    renderOverlay(this.overlay, vm);
    renderTooSmall(this.tooSmall, vm);
    this.screen.render();
  }

  /** Leave the alternate buffer, show the cursor, give the terminal back. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.screen.destroy();
  }
}

/** "go to row y, column 1" immediately followed by "go to row y, column x": the first move is wasted. */
const REDUNDANT_MOVE = /\x1b\[\d+;1H(?=\x1b\[\d+;\d+H)/g;

/**
 * blessed starts every changed line with a move to its first column and then
 * moves again to the first changed cell; over SSH those bytes add up (≈ 6 per
 * changed line per second), so drop the first move on the way out.
 */
function trimRedundantMoves(screen: blessed.Widgets.Screen): void {
  const program = screen.program as unknown as { _owrite?: (text: string) => boolean };
  const write = program._owrite;
  if (typeof write !== 'function') return;
  program._owrite = function (this: unknown, text: string): boolean {
    return write.call(this, typeof text === 'string' ? text.replace(REDUNDANT_MOVE, '') : text);
  };
}
