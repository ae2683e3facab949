import * as vscode from 'vscode';
import { isCancellation } from '../azure/armProblem';

/** A command: its id and what it does. From a tree menu it gets the node (and the selection), from the palette nothing. */
export interface LensCommand {
  readonly id: string;
  run(...args: unknown[]): unknown;
}

/** Registers a command; an unexpected failure becomes a message with "Show Details", a cancel shows nothing. */
export function registerLensCommand(command: LensCommand, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
    try {
      return await command.run(...args);
    } catch (error) {
      if (isCancellation(error) || error instanceof vscode.CancellationError) {
        return undefined;
      }
      const message = error instanceof Error ? error.message : String(error);
      log.error(`${command.id} failed: ${message}`);
      void vscode.window.showErrorMessage(message, 'Show Details').then((choice) => {
        if (choice === 'Show Details') {
          log.show();
        }
      });
      return undefined;
    }
  });
}

/**
 * A URI argument of a command. `instanceof vscode.Uri` alone is not enough: a caller with its own
 * copy of the API (another extension, a test run against the installed .vsix) passes a URI of
 * another class with the same parts, which is taken as the URI it names.
 */
export function uriArgument(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) {
    return value;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const { scheme, authority, path, query, fragment } = value as Record<string, unknown>;
  if (typeof scheme !== 'string' || scheme === '' || typeof path !== 'string') {
    return undefined;
  }
  return vscode.Uri.from({ scheme, path, ...(typeof authority === 'string' ? { authority } : {}), ...(typeof query === 'string' ? { query } : {}), ...(typeof fragment === 'string' ? { fragment } : {}) });
}
