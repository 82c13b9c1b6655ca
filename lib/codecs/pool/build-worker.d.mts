/** Types of build-worker.mjs (the project's TypeScript does not read JavaScript). */
export declare const WORKER_SOURCE: string;
export declare const WORKER_BUNDLE: string;
export declare function bundleWorker(): Promise<string>;
