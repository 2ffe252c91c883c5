export declare const sourceFolders: readonly string[];
export declare const sourceRootFiles: readonly string[];
export declare function listSourceFiles(sourceRoot: string): string[];
export declare function hashSources(sourceRoot: string): string;
