// How the Class view lays its lanes out in the panel: cards (every detail) while they fit, else one
// compact row per student in as many columns as the width holds at a readable size. Text never
// shrinks below the view's size: a class too big for the screen scrolls, and says so. On a
// projector, room to spare goes to larger text (up to `maxFont`) for the back row.

export type ClassDensity = 'cards' | 'rows';

export interface ClassLayoutInput {
  lanes: number;
  /** The most Services one lane has, and the most pods one Service has. */
  services: number;
  pods: number;
  width: number;
  height: number;
  /** The view's text size in px (18 in presenter mode): the smallest the lanes use. */
  font: number;
  /** The largest text the lanes may grow to when the panel has room (default: `font`). */
  maxFont?: number;
  /** The widest compact row, in em (rowWidthEm); default ROW_MIN. */
  rowEm?: number;
}

export interface ClassLayout {
  density: ClassDensity;
  columns: number;
  /** Lanes per column (rows fill column by column, like a roster). */
  perColumn: number;
  /** The lanes do not all fit: the view scrolls. */
  scroll: boolean;
  /** The lanes' text size, px. */
  font: number;
}

/** Space between cards, and between compact rows, px. */
export const LANE_GAP = 8;
export const ROW_GAP = 4;
const LINE = 1.35;
/** A compact row: one line (1.25) with chips' 2 px borders, padding 0.1 em, the row's border. */
const rowHeight = (font: number) => font * 1.25 + 4 + font * 0.2 + 2;

/** A card: its header, two lines per Service (the Service, then its pods) and the latest reason. */
export function cardHeight(i: Pick<ClassLayoutInput, 'services' | 'pods' | 'font'>, width: number) {
  // A pod chip: a name end of ~6 characters and a count.
  const chipsPerLine = Math.max(1, Math.floor((width - i.font * 2) / (i.font * 6.5)));
  const podLines = Math.max(1, Math.ceil(i.pods / chipsPerLine));
  const services = Math.max(1, i.services);
  const lines = 2 + services * (1 + podLines);
  // Lines, the card's padding and border, and per Service its chips' borders and margin.
  return lines * i.font * LINE + i.font * 1.4 + 2 + services * (4 + i.font * 0.15);
}

/** The narrowest card, and the narrowest compact row the layout assumes, in em. */
const CARD_MIN = 28;
const ROW_MIN = 24;

/** Average advances in em (DejaVu Sans, its Bold, and DejaVu Sans Mono's digits). */
const EM = { bold: 0.62, sans: 0.55, digit: 0.6 };
/** Between a row's items (0.5em), inside a Service (0.25em), between chips (3 px ~ 0.17em). */
const GAP = { item: 0.5, inner: 0.25, chip: 0.17 };
/** A badge's and a chip's padding and borders, in em at 18 px. */
const BOX = { badge: 0.67, chip: 0.55 };

/**
 * How wide a compact row must be for its content: the student's name, the count (3 digits), room
 * for a refused count, each Service's name badge and its pods' chips (2-digit counts), the
 * sparkline and the spotlight button. Room is set aside whether or not a count shows now, so the
 * layout does not jump as traffic comes and goes; the latest reason takes what is left.
 */
export function rowWidthEm(
  lanes: readonly {
    student: string;
    services: readonly { name: string; pods: readonly unknown[] }[];
  }[],
  spotlightButton: boolean,
): number {
  let widest = ROW_MIN;
  for (const lane of lanes) {
    let em = lane.student.length * EM.bold + 3 * EM.digit + 2 + GAP.item * 3;
    for (const svc of lane.services) {
      const name = Math.min(6, svc.name.length * EM.bold) + BOX.badge;
      const pods =
        svc.pods.length === 0
          ? 'no endpoints'.length * EM.sans
          : svc.pods.length * (2 * EM.digit + BOX.chip) + (svc.pods.length - 1) * GAP.chip;
      em += name + GAP.inner + pods + GAP.item;
    }
    if (lane.services.length === 0) em += 'no Services yet'.length * EM.sans + GAP.item;
    // The sparkline, the button, the row's padding.
    em += 3.2 + (spotlightButton ? 2 + GAP.item : 0) + 1.1;
    widest = Math.max(widest, em);
  }
  return widest;
}

const columnsFor = (width: number, min: number) =>
  Math.max(1, Math.floor((width + LANE_GAP) / (min + LANE_GAP)));

function cardsAt(i: ClassLayoutInput, font: number): ClassLayout | undefined {
  const lanes = Math.max(1, i.lanes);
  const columns = Math.min(lanes, columnsFor(i.width, font * CARD_MIN));
  const width = (i.width - LANE_GAP * (columns - 1)) / columns;
  const rows = Math.ceil(lanes / columns);
  const fits = rows * (cardHeight({ ...i, font }, width) + LANE_GAP) <= i.height;
  return fits ? { density: 'cards', columns, perColumn: rows, scroll: false, font } : undefined;
}

function rowsAt(i: ClassLayoutInput, font: number): ClassLayout {
  const lanes = Math.max(1, i.lanes);
  const columns = Math.min(lanes, columnsFor(i.width, font * (i.rowEm ?? ROW_MIN)));
  // Fewest lanes per column that still use every column the width allows.
  const perColumn = Math.ceil(lanes / columns);
  const scroll = perColumn * (rowHeight(font) + ROW_GAP) > i.height;
  return { density: 'rows', columns, perColumn, scroll, font };
}

/** Cards at the largest size that fits, else compact rows at the largest size that fits. */
export function classLayout(i: ClassLayoutInput): ClassLayout {
  const sizes: number[] = [];
  for (let f = Math.max(i.font, Math.floor(i.maxFont ?? i.font)); f >= i.font; f--) sizes.push(f);
  for (const f of sizes) {
    const cards = cardsAt(i, f);
    if (cards) return cards;
  }
  for (const f of sizes) {
    const rows = rowsAt(i, f);
    if (!rows.scroll) return rows;
  }
  return rowsAt(i, i.font);
}
