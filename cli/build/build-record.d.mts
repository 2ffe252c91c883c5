export interface BuildLayout {
  /** The repository whose sources are built. */
  sourceRoot: string;
  /** Holds one folder per build and the `current` link. */
  outputDirectory: string;
  currentLink: string;
}
export interface BuildFiles {
  directory: string;
  agentBundle: string;
  agentSnapshot: string;
  cliBundle: string;
  recordFile: string;
}
export interface CurrentBuild extends BuildFiles {
  hash: string;
}
export declare function buildLayout(sourceRoot: string, outputDirectory?: string): BuildLayout;
export declare function buildFiles(directory: string): BuildFiles;
export declare function currentBuild(layout: BuildLayout, hash?: string): CurrentBuild | undefined;
