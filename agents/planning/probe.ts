import type { HistoryRecord } from "../../schemas/postmortem.ts";
import type { ProbeEstimate } from "../../schemas/plan.ts";

export interface Regression {
  predicted: number;
  lower: number;
  upper: number;
  rSquared: number;
  slope: number;
  intercept: number;
}

/** Two-sided Student t quantiles for 70% (PSP's PROBE default) by degrees of freedom. */
const tSeventyPercent = [0, 1.963, 1.386, 1.25, 1.19, 1.156, 1.134, 1.119, 1.108, 1.1, 1.093];
function tQuantile(degreesOfFreedom: number): number {
  return tSeventyPercent[Math.min(degreesOfFreedom, 10)] ?? 1.036;
}

/**
 * Ordinary least squares of y on x, predicting at x0 with a 70% prediction interval, as PROBE
 * method A does. With no spread in x the slope is undefined, so it falls back to the mean.
 */
export function linearRegression(points: Array<{ x: number; y: number }>, x0: number): Regression {
  const count = points.length;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / count;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / count;
  const sumXX = points.reduce((sum, point) => sum + (point.x - meanX) ** 2, 0);
  const sumXY = points.reduce((sum, point) => sum + (point.x - meanX) * (point.y - meanY), 0);
  const slope = sumXX === 0 ? 0 : sumXY / sumXX;
  const intercept = meanY - slope * meanX;
  const residualSquares = points.reduce((sum, point) => sum + (point.y - (intercept + slope * point.x)) ** 2, 0);
  const totalSquares = points.reduce((sum, point) => sum + (point.y - meanY) ** 2, 0);
  const rSquared = totalSquares === 0 ? 1 : Math.max(0, 1 - residualSquares / totalSquares);
  const degreesOfFreedom = Math.max(1, count - 2);
  const standardError = Math.sqrt(residualSquares / degreesOfFreedom);
  const leverage = sumXX === 0 ? 0 : (x0 - meanX) ** 2 / sumXX;
  const halfWidth = tQuantile(degreesOfFreedom) * standardError * Math.sqrt(1 + 1 / count + leverage);
  const predicted = intercept + slope * x0;
  return { predicted, lower: Math.max(0, predicted - halfWidth), upper: predicted + halfWidth, rSquared, slope, intercept };
}

export const minimumHistoryForProbe = 3;

/** A PROBE estimate from past runs, or undefined while there are fewer than three. */
export function probeEstimate(history: HistoryRecord[], estimatedComplexity: number): ProbeEstimate | undefined {
  const usable = history.filter((record) => record.outcome === "passed" || record.outcome === "failed");
  if (usable.length < minimumHistoryForProbe) return undefined;
  const against = (pick: (record: HistoryRecord) => number) =>
    linearRegression(usable.map((record) => ({ x: record.estimatedComplexity, y: pick(record) })), estimatedComplexity);
  return {
    historyRuns: usable.length,
    tokens: against((record) => record.actualTokens),
    costUsd: against((record) => record.actualCostUsd),
    durationMs: against((record) => record.actualDurationMs),
    confidence: 0.7,
  };
}
