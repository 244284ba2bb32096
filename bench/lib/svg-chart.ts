/**
 * A small SVG writer for the benchmark charts (grouped horizontal bars), so that
 * `npm run bench` can draw its figures without a charting dependency.
 */

/** One bar: a series name (colour) and its value, with the text shown at its end. */
export interface Bar {
  readonly series: string;
  readonly value: number;
  readonly label: string;
}

/** One group of bars under a common label (one figure, e.g. "RPC"). */
export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

/** A grouped horizontal bar chart. */
export interface BarChart {
  readonly title: string;
  /** What the axis measures, e.g. "router / floor" or "ms". */
  readonly axis: string;
  readonly groups: readonly BarGroup[];
  /** A vertical reference line (e.g. 1.0 = the floor), with its caption. */
  readonly reference?: { readonly value: number; readonly caption: string };
}

const COLOURS = ['#2f6db5', '#9aa5b1', '#d9822b', '#6f9e4f', '#8e5ea2'];
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders the chart as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  const series = [...new Set(chart.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const colour = (name: string): string => COLOURS[series.indexOf(name) % COLOURS.length]!;
  const labelWidth = 230;
  const plotWidth = 420;
  const textWidth = 190;
  const barHeight = 14;
  const gap = 10;
  const top = 54;
  const max = Math.max(chart.reference?.value ?? 0, ...chart.groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)))) * 1.05 || 1;
  const x = (value: number): number => labelWidth + (Math.max(0, value) / max) * plotWidth;
  const parts: string[] = [];
  let y = top;
  for (const group of chart.groups) {
    const height = group.bars.length * barHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + height / 2 + 4}" text-anchor="end">${escape(group.label)}</text>`);
    for (const bar of group.bars) {
      const value = Number.isFinite(bar.value) ? bar.value : 0;
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${(x(value) - labelWidth).toFixed(1)}" height="${barHeight - 2}" fill="${colour(bar.series)}"><title>${escape(`${bar.series}: ${bar.label}`)}</title></rect>`);
      parts.push(`<text x="${(x(value) + 4).toFixed(1)}" y="${y + barHeight - 4}" font-size="10">${escape(bar.label)}</text>`);
      y += barHeight;
    }
    y += gap;
  }
  const bottom = y;
  if (chart.reference !== undefined) {
    const rx = x(chart.reference.value).toFixed(1);
    parts.push(`<line x1="${rx}" y1="${top - 6}" x2="${rx}" y2="${bottom - gap + 4}" stroke="#333" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${rx}" y="${bottom + 8}" text-anchor="middle" font-size="10">${escape(chart.reference.caption)}</text>`);
  }
  const legend = series.map((name, i) => `<rect x="${labelWidth + i * 130}" y="30" width="10" height="10" fill="${colour(name)}"/><text x="${labelWidth + i * 130 + 14}" y="39" font-size="11">${escape(name)}</text>`);
  const width = labelWidth + plotWidth + textWidth;
  const height = bottom + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escape(chart.title)}</text>`,
    `<text x="${width - 10}" y="18" text-anchor="end" font-size="11" fill="#555">${escape(chart.axis)}</text>`,
    ...legend,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
