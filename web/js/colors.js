// Fills for each side: a faction's colour, stripes for a contested set, grey for unknown. The map
// draws stripes with pattern images (hatchImage); swatches with CSS gradients of the same bands.

export const UNKNOWN_FILL = '#9a9a9a';
/** Stripes run at 45° in bands of BAND pixels: the first faction, the others, a pale band. */
const BAND = 4;
const PERIOD = 3 * BAND;

/** A square pattern image with diagonal stripes of `colour` in band `band` (0, 1 or 2) of three,
 * transparent elsewhere; it tiles seamlessly. */
export function hatchImage(colour, band) {
  const n = parseInt(colour.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  const size = PERIOD;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if (Math.floor(((x + y) % PERIOD) / BAND) !== band) continue;
      data.set([r, g, b, 255], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

export class Palette {
  /** @param {{id:string,name:string,color:string}[]} factions */
  constructor(factions) {
    this.factions = factions;
    this.color = new Map(factions.map((f) => [f.id, f.color]));
    this.name = new Map(factions.map((f) => [f.id, f.name]));
  }

  colorOf(faction) {
    return this.color.get(faction) ?? '#777777';
  }

  /** The fill colour of a side key; a contested side is filled with its first faction's colour
   * under the stripes of the others. */
  fillOf(key) {
    if (key === 'unknown') return UNKNOWN_FILL;
    if (!key.startsWith('contested:')) return this.colorOf(key);
    return this.colorOf(key.slice('contested:'.length).split('+')[0]);
  }

  /** A CSS background for a swatch of a side key: the colour, or stripes of the factions'. */
  cssBackground(key) {
    if (!key.startsWith('contested:')) return this.fillOf(key);
    const colours = [...key.slice(10).split('+').map((f) => this.colorOf(f)), '#ffffff'];
    const stops = colours.map((c, i) => `${c} ${i * 3}px ${(i + 1) * 3}px`).join(',');
    return `repeating-linear-gradient(45deg,${stops})`;
  }

  /** A label for a side key: the faction's name, "Contested (a, b)" or "Unknown". */
  labelOf(key) {
    if (key === 'unknown') return 'Unknown';
    if (key.startsWith('contested:')) {
      return `Contested (${key.slice(10).split('+').map((f) => this.name.get(f) ?? f).join(', ')})`;
    }
    return this.name.get(key) ?? key;
  }
}
