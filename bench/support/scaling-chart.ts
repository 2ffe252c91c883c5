import type { WriterScalingPoint } from "../writer-scaling.ts";

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Writer scaling as a grouped bar chart, drawn by hand (no dependencies): for each writer count a
 * bar for the measured makespan and one for the ideal, with the efficiency above the pair.
 */
export function scalingChartSvg(points: WriterScalingPoint[], subtitle: string): string {
  const width = 640;
  const height = 360;
  const margin = { top: 56, right: 20, bottom: 48, left: 64 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxSeconds = Math.max(1, ...points.map((point) => Math.max(point.makespanMs, point.idealMs) / 1000));
  const step = maxSeconds > 40 ? 10 : maxSeconds > 20 ? 5 : maxSeconds > 8 ? 2 : 1;
  const top = Math.ceil(maxSeconds / step) * step;
  const y = (seconds: number) => margin.top + plotHeight - (seconds / top) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, points.length);
  const barWidth = Math.min(48, groupWidth / 3);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${margin.left}" y="22" font-size="15" font-weight="bold">Writer scaling: makespan of the file phase vs ideal</text>`);
  parts.push(`<text x="${margin.left}" y="40" fill="#555">${escapeXml(subtitle)}</text>`);
  for (let tick = 0; tick <= top; tick += step) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${tick} s</text>`);
  }
  points.forEach((point, index) => {
    const center = margin.left + groupWidth * (index + 0.5);
    const measured = point.makespanMs / 1000;
    const ideal = point.idealMs / 1000;
    parts.push(`<rect x="${center - barWidth - 2}" y="${y(measured)}" width="${barWidth}" height="${y(0) - y(measured)}" fill="#3b6fb6"><title>measured ${measured.toFixed(2)} s</title></rect>`);
    parts.push(`<rect x="${center + 2}" y="${y(ideal)}" width="${barWidth}" height="${y(0) - y(ideal)}" fill="#9cc3e6"><title>ideal ${ideal.toFixed(2)} s</title></rect>`);
    if (point.scheduleBoundMs !== undefined) {
      const bound = y(point.scheduleBoundMs / 1000);
      parts.push(`<line x1="${center - barWidth - 6}" x2="${center + barWidth + 6}" y1="${bound}" y2="${bound}" stroke="#c0392b" stroke-width="2" stroke-dasharray="5 3"><title>longest-first bound ${(point.scheduleBoundMs / 1000).toFixed(2)} s</title></line>`);
    }
    parts.push(`<text x="${center}" y="${y(Math.max(measured, ideal, (point.scheduleBoundMs ?? 0) / 1000)) - 6}" text-anchor="middle" font-weight="bold">${Math.round(point.efficiency * 100)}%</text>`);
    parts.push(`<text x="${center}" y="${height - margin.bottom + 18}" text-anchor="middle">${point.writers} writer${point.writers === 1 ? "" : "s"}</text>`);
  });
  parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);
  const legendY = height - 12;
  parts.push(`<rect x="${margin.left}" y="${legendY - 10}" width="12" height="12" fill="#3b6fb6"/><text x="${margin.left + 18}" y="${legendY}">measured makespan</text>`);
  parts.push(`<rect x="${margin.left + 160}" y="${legendY - 10}" width="12" height="12" fill="#9cc3e6"/><text x="${margin.left + 178}" y="${legendY}">ideal max(longest file, total / N)</text>`);
  parts.push(`<line x1="${margin.left + 380}" x2="${margin.left + 400}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#c0392b" stroke-width="2" stroke-dasharray="5 3"/><text x="${margin.left + 406}" y="${legendY}">longest-first bound</text>`);
  parts.push(`<text x="${width - margin.right}" y="${margin.top - 4}" text-anchor="end" fill="#555">% = ideal / measured</text>`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
