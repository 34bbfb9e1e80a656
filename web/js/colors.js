// Fills for each side: a faction's colour, stripes for a contested set, grey for unknown. Stripe
// patterns live in one hidden SVG in the document; `url(#id)` fills reach them from any SVG.

const SVG = 'http://www.w3.org/2000/svg';
export const UNKNOWN_FILL = '#9a9a9a';

export class Palette {
  /** @param {{id:string,name:string,color:string}[]} factions */
  constructor(factions) {
    this.factions = factions;
    this.color = new Map(factions.map((f) => [f.id, f.color]));
    this.name = new Map(factions.map((f) => [f.id, f.name]));
    this.defs = document.createElementNS(SVG, 'defs');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'pattern-defs');
    svg.append(this.defs);
    document.body.append(svg);
    this.patterns = new Map();
  }

  colorOf(faction) {
    return this.color.get(faction) ?? '#777777';
  }

  /** The SVG fill for a side key: a colour, or a stripe pattern for `contested:a+b`. */
  fillOf(key) {
    if (key === 'unknown') return UNKNOWN_FILL;
    if (!key.startsWith('contested:')) return this.colorOf(key);
    return `url(#${this.stripes(key.slice('contested:'.length).split('+'))})`;
  }

  stripes(factions) {
    const id = `hatch-${factions.join('-').replace(/[^\w-]/g, '_')}`;
    if (this.patterns.has(id)) return id;
    const colours = factions.length ? factions.map((f) => this.colorOf(f)) : [UNKNOWN_FILL];
    const band = 4;
    const pattern = document.createElementNS(SVG, 'pattern');
    pattern.id = id;
    pattern.setAttribute('patternUnits', 'userSpaceOnUse');
    pattern.setAttribute('width', String(band * (colours.length + 1)));
    pattern.setAttribute('height', '8');
    pattern.setAttribute('patternTransform', 'rotate(45)');
    // A pale band between the factions' bands keeps the stripes readable against any colour.
    const bands = [...colours, '#ffffff'];
    bands.forEach((c, i) => {
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(i * band));
      rect.setAttribute('width', String(band));
      rect.setAttribute('height', '8');
      rect.setAttribute('fill', c);
      pattern.append(rect);
    });
    this.defs.append(pattern);
    this.patterns.set(id, pattern);
    return id;
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
