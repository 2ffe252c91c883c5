/** Where a command writes: the real streams in `main`, buffers in tests. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr };
