/** The part of lz4js (untyped, plain CommonJS) that decompress.ts uses. */
declare module "lz4js" {
  /** Decodes an LZ4 frame into dst; returns the number of bytes produced (it may count past dst's end). */
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number;
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  const lz4: { decompressFrame: typeof decompressFrame; compress: typeof compress };
  export default lz4;
}
