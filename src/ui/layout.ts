/**
 * All widget placement, as a pure function of the terminal size. Panes stack
 * vertically (hosts over processes) so that both are visible at 80×24; extra
 * height goes to the panes, extra width to the name columns.
 */

export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 15;

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  /** the one message shown instead of everything else, when the terminal is too small */
  tooSmall: string | null;
  /** totals line, then (when tall enough) rx and tx sparklines */
  header: Rect;
  /** top and bottom pane; the first line of each is its column header */
  panes: readonly [Rect, Rect];
  /** title line then rx and tx sparklines of the selected row; height 0 when there is no room */
  graph: Rect;
  status: Rect;
  /** help and block-command overlays */
  overlay: Rect;
}

const ZERO: Rect = { left: 0, top: 0, width: 0, height: 0 };

export function computeLayout(rawWidth: number | undefined, rawHeight: number | undefined): Layout {
  const width = sane(rawWidth);
  const height = sane(rawHeight);
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    return {
      width,
      height,
      tooSmall: `terminal too small: need at least ${MIN_WIDTH}×${MIN_HEIGHT}, have ${width}×${height}`,
      header: ZERO,
      panes: [ZERO, ZERO],
      graph: ZERO,
      status: ZERO,
      overlay: { left: 0, top: 0, width, height },
    };
  }
  const headerHeight = height >= 20 ? 3 : 1;
  const graphHeight = height >= 22 ? 3 : 0;
  const statusHeight = 1;
  const paneSpace = height - headerHeight - graphHeight - statusHeight;
  const topPane = Math.ceil(paneSpace / 2);
  const bottomPane = paneSpace - topPane;
  // Full width: the overlay has no side borders (its lines are for copying), so rows
  // underneath showing beside it would read as part of its lines.
  const overlayWidth = width;
  const overlayHeight = Math.min(height - 2, 28);
  return {
    width,
    height,
    tooSmall: null,
    header: { left: 0, top: 0, width, height: headerHeight },
    panes: [
      { left: 0, top: headerHeight, width, height: topPane },
      { left: 0, top: headerHeight + topPane, width, height: bottomPane },
    ],
    graph: { left: 0, top: headerHeight + paneSpace, width, height: graphHeight },
    status: { left: 0, top: height - 1, width, height: statusHeight },
    overlay: {
      left: Math.floor((width - overlayWidth) / 2),
      top: Math.floor((height - overlayHeight) / 2),
      width: overlayWidth,
      height: overlayHeight,
    },
  };
}

function sane(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
