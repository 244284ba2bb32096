/** One line of a rate chart. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

const SVG = 'http://www.w3.org/2000/svg';

/** A short label for a rate: 950, 1.2k, 3.4M. */
export function shortNumber(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n >= 10 || n === 0 ? n.toFixed(0) : n.toFixed(1);
}

/**
 * Draws line series into an SVG as wide as it is shown: a few grid lines with their values,
 * one polyline per series. Small enough that a charting library would weigh more than it saves.
 */
export function drawChart(svg: SVGSVGElement, series: readonly Series[], points: number): void {
  const width = Math.max(300, Math.round(svg.getBoundingClientRect().width) || 600);
  const height = 180;
  const top = 10;
  const bottom = 20;
  const left = 44;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // A round scale: 1, 2 or 5 times a power of ten.
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const scale = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= max) ?? max;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const plotHeight = height - top - bottom;
  const x = (i: number): number => left + ((width - left - 4) * i) / Math.max(1, points - 1);
  const y = (v: number): number => top + plotHeight - (plotHeight * v) / scale;
  for (let g = 0; g <= 4; g++) {
    const value = (scale * g) / 4;
    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('x1', String(left));
    line.setAttribute('x2', String(width));
    line.setAttribute('y1', String(y(value)));
    line.setAttribute('y2', String(y(value)));
    line.setAttribute('stroke', '#23314f');
    svg.append(line);
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', String(left - 6));
    label.setAttribute('y', String(y(value) + 4));
    label.setAttribute('text-anchor', 'end');
    label.setAttribute('fill', '#94a3b8');
    label.setAttribute('font-size', '11');
    label.textContent = shortNumber(value);
    svg.append(label);
  }
  const axis = document.createElementNS(SVG, 'text');
  axis.setAttribute('x', String(width - 4));
  axis.setAttribute('y', String(height - 4));
  axis.setAttribute('text-anchor', 'end');
  axis.setAttribute('fill', '#94a3b8');
  axis.setAttribute('font-size', '11');
  axis.textContent = `last ${points} samples, per second`;
  svg.append(axis);
  for (const s of series) {
    if (s.values.length === 0) continue;
    const offset = points - s.values.length;
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', s.values.map((v, i) => `${x(offset + i).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', s.color);
    line.setAttribute('stroke-width', '2');
    line.setAttribute('stroke-linejoin', 'round');
    line.setAttribute('data-series', s.name);
    svg.append(line);
  }
}
