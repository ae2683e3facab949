import * as vscode from 'vscode';
import { back, type Back, type InputStep, type PickItem, type PickManyStep, type PickStep, type WizardUi } from './wizardUi';

interface ItemWithValue<T> extends vscode.QuickPickItem {
  value?: T;
}

/** The questions as VS Code quick picks and input boxes: "(2/5)" titles, Back from step 2 on, Escape cancels. */
export class QuickPickUi implements WizardUi {
  pick<T>(step: PickStep<T>): Promise<T | Back | undefined> {
    return this.showPick(step, false).then((result) => (result === back || result === undefined ? result : result[0]));
  }

  pickMany<T>(step: PickManyStep<T>): Promise<T[] | Back | undefined> {
    return this.showPick(step, true);
  }

  input(step: InputStep): Promise<string | Back | undefined> {
    const box = vscode.window.createInputBox();
    setTitle(box, step);
    box.prompt = step.prompt;
    box.placeholder = step.placeholder;
    box.value = step.value ?? '';
    box.ignoreFocusOut = true;
    box.buttons = hasBack(step) ? [vscode.QuickInputButtons.Back] : [];
    let generation = 0;
    /** The value last judged valid, by `validate` and `validateAsync` both. */
    let accepted: string | undefined;

    const check = async (value: string): Promise<void> => {
      const mine = ++generation;
      accepted = undefined;
      const problem = step.validate?.(value);
      if (problem !== undefined || step.validateAsync === undefined) {
        box.validationMessage = problem;
        box.busy = false;
        accepted = problem === undefined ? value : undefined;
        return;
      }
      box.validationMessage = undefined;
      box.busy = true;
      let asyncProblem: string | undefined;
      try {
        asyncProblem = await step.validateAsync(value);
      } catch (error) {
        asyncProblem = `Couldn't check this value: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (mine !== generation) {
        return;
      }
      box.busy = false;
      box.validationMessage = asyncProblem;
      accepted = asyncProblem === undefined ? value : undefined;
    };

    return new Promise((resolve) => {
      const disposables: vscode.Disposable[] = [];
      const finish = (result: string | Back | undefined): void => {
        disposables.forEach((disposable) => disposable.dispose());
        box.dispose();
        resolve(result);
      };
      disposables.push(
        box.onDidChangeValue((value) => void check(value)),
        box.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && finish(back)),
        box.onDidAccept(async () => {
          const value = box.value;
          if (accepted !== value) {
            // Accepting before the (async) check of this value ended: wait for it.
            await check(value);
          }
          if (accepted === value && box.value === value) {
            finish(value);
          }
        }),
        box.onDidHide(() => finish(undefined)),
      );
      box.show();
      void check(box.value);
    });
  }

  private showPick<T>(step: PickStep<T> | PickManyStep<T>, many: boolean): Promise<T[] | Back | undefined> {
    const quickPick = vscode.window.createQuickPick<ItemWithValue<T>>();
    setTitle(quickPick, step);
    quickPick.placeholder = step.placeholder;
    quickPick.ignoreFocusOut = true;
    quickPick.canSelectMany = many;
    quickPick.matchOnDescription = true;
    quickPick.buttons = hasBack(step) ? [vscode.QuickInputButtons.Back] : [];
    const items: ItemWithValue<T>[] = step.items.map((item: PickItem<T>) => ({
      label: item.label,
      description: item.description,
      detail: item.detail,
      value: item.value,
      picked: item.picked,
    }));
    const isEmpty = items.length === 0;
    quickPick.items = isEmpty ? [{ label: step.emptyMessage ?? 'Nothing to pick' }] : withSeparators(step.items, items);
    if (many) {
      quickPick.selectedItems = items.filter((item) => item.picked);
    } else {
      // The item marked picked (the previous answer, when Back re-asks) is the one Enter takes.
      const previous = items.find((item) => item.picked);
      if (previous) {
        quickPick.activeItems = [previous];
      }
    }
    const minimum = many ? ((step as PickManyStep<T>).minimum ?? 0) : 1;
    const basePlaceholder = step.placeholder;

    return new Promise((resolve) => {
      const disposables: vscode.Disposable[] = [];
      const finish = (result: T[] | Back | undefined): void => {
        disposables.forEach((disposable) => disposable.dispose());
        quickPick.dispose();
        resolve(result);
      };
      disposables.push(
        quickPick.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && finish(back)),
        quickPick.onDidChangeSelection(() => {
          if (many && quickPick.selectedItems.length >= minimum) {
            quickPick.placeholder = basePlaceholder;
          }
        }),
        quickPick.onDidAccept(() => {
          if (isEmpty) {
            return;
          }
          const chosen = (many ? quickPick.selectedItems : quickPick.activeItems).filter((item) => 'value' in item);
          if (chosen.length < minimum) {
            // QuickPick has no validation message: the placeholder says why Enter did nothing.
            quickPick.placeholder = many ? `Pick at least ${minimum}. ${basePlaceholder}` : basePlaceholder;
            return;
          }
          finish(chosen.map((item) => item.value as T));
        }),
        quickPick.onDidHide(() => finish(undefined)),
      );
      quickPick.show();
      if (!many && step.noDefault && !items.some((item) => item.picked)) {
        quickPick.activeItems = [];
      }
    });
  }
}

function hasBack(step: { step?: number }): boolean {
  return (step.step ?? 1) > 1;
}

/** VS Code shows "Title (2/5)" from the input's own `step` and `totalSteps`. */
function setTitle(input: vscode.QuickInput, step: { title: string; step?: number; totalSteps?: number }): void {
  input.title = step.title;
  input.step = step.step;
  input.totalSteps = step.step === undefined ? undefined : step.totalSteps;
}

/** `items` with a separator naming each group where it starts (`source[i]` is `items[i]`'s step item). */
function withSeparators<T>(source: readonly PickItem<T>[], items: ItemWithValue<T>[]): ItemWithValue<T>[] {
  const shown: ItemWithValue<T>[] = [];
  let group: string | undefined;
  items.forEach((item, index) => {
    const itemGroup = source[index].group;
    if (itemGroup !== undefined && itemGroup !== group) {
      shown.push({ label: itemGroup, kind: vscode.QuickPickItemKind.Separator });
    }
    group = itemGroup;
    shown.push(item);
  });
  return shown;
}
