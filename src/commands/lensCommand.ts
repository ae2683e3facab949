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
