import { createWriteStream } from 'node:fs';

/** A place exports are written to, one awaited chunk at a time. */
export interface ExportOutput {
  /** Resolves once the stream has handed the chunk to the system: its memory may then be filled again (see ChunkPool). */
  write(chunk: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes to `path`, or to stdout when it is undefined. Each write waits for the stream's callback,
 * so a large export never queues more than the chunk being written. A write error is reported by
 * that `write`, the next one or `close`; stdout is left open.
 */
export function openExportOutput(path: string | undefined): ExportOutput {
  const stream: NodeJS.WritableStream = path === undefined ? process.stdout : createWriteStream(path);
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure = error;
  });
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        if (failure) {
          reject(failure);
        } else {
          stream.write(chunk, (error?: Error | null) => (error ? reject(error) : resolve()));
        }
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failure) {
          reject(failure);
        } else if (path === undefined) {
          resolve();
        } else {
          stream.end(() => (failure ? reject(failure) : resolve()));
        }
      }),
  };
}
