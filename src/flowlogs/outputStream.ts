import { createWriteStream } from 'node:fs';

/** A place exports are written to, one awaited chunk at a time. */
export interface ExportOutput {
  write(chunk: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes to `path`, or to stdout when it is undefined, waiting whenever the stream asks for it
 * (`drain`), so a large export never queues more than one chunk. A write error is reported by the
 * next `write` or by `close`; stdout is left open.
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
        } else if (stream.write(chunk)) {
          resolve();
        } else {
          stream.once('drain', resolve);
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
