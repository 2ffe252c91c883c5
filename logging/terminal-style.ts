/** Text styling for a terminal; every function is the identity when colour is off. */
export interface TerminalStyle {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const plain = (text: string) => text;
const sgr = (on: number, off: number) => (text: string) => `\x1b[${on}m${text}\x1b[${off}m`;

const colourStyle: TerminalStyle = { bold: sgr(1, 22), dim: sgr(2, 22), green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39) };
const plainStyle: TerminalStyle = { bold: plain, dim: plain, green: plain, red: plain, yellow: plain };

/** https://no-color.org: NO_COLOR set to any non-empty value turns colour off; an empty value does not. */
export function colourEnabled(env: Record<string, string | undefined>): boolean {
  return !env.NO_COLOR;
}

export function terminalStyle(env: Record<string, string | undefined>): TerminalStyle {
  return colourEnabled(env) ? colourStyle : plainStyle;
}
